//! sea-orm entities, one module per table. Sensitive columns hold ciphertext (`Vec<u8>`)
//! sealed by `crate::crypto::FieldCipher`; nothing here ever holds a plaintext name or number.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

macro_rules! synced_cols {
    ($(#[$m:meta])* pub struct Model { $($body:tt)* }) => {
        $(#[$m])*
        pub struct Model {
            $($body)*
            pub created_at: DateTimeUtc,
            pub updated_at: DateTimeUtc,
            pub change_seq: i64,
            pub deleted_at: Option<DateTimeUtc>,
        }
    };
}

// Grouped by topic in files whose names are no table's, so `entities::<table>` stays the path.
mod agenda;
mod messaging;
mod outreach;
mod staff;

pub use agenda::*;
pub use messaging::*;
pub use outreach::*;
pub use staff::*;
