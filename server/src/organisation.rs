//! The organisation and its sites as the API shows them.

use relais_domain::dto::{Organisation, Site};

use crate::store::entities::{organisation, site};

pub fn site_dto(s: site::Model) -> Site {
    Site {
        id: s.id,
        name: s.name,
        address: s.address,
        phone: s.phone,
        time_zone: s.time_zone,
        alsace_moselle: s.alsace_moselle,
        message_place: s.message_place,
        updated_at: s.updated_at,
        change_seq: s.change_seq,
    }
}

pub fn organisation_dto(o: organisation::Model) -> Organisation {
    Organisation {
        id: o.id,
        name: o.name,
        message_words: crate::wording::words_of(o.message_words.as_deref()),
    }
}
