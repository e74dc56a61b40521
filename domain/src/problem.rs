//! The API's problem codes (RFC 9457 `type`, last path segment): one enum shared by the
//! server, which answers them, and the phone core, which reads them. A code always comes with
//! the same HTTP status, so the status is part of the word.

use serde::{Deserialize, Serialize};

/// Where every problem type lives: `{TYPE_BASE}{code}`.
pub const TYPE_BASE: &str = "https://relais.invalid/problems/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    // 400: the request itself cannot be read.
    MalformedJson,
    UnreadableBody,
    InvalidId,
    InvalidParameter,
    DuplicateParameter,
    InvalidHeader,
    InvalidPhone,
    RangeTooLong,
    ReversedRange,
    // 401: who is calling is not established.
    Unauthenticated,
    InvalidCredentials,
    SecondFactorNeeded,
    CodeAlreadyUsed,
    BadSignature,
    // 403
    Forbidden,
    SecondFactorRequired,
    // 404: also what another organisation's record looks like.
    NotFound,
    // 405, 413, 415
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    // 409: the request is understood but the world says no.
    Conflict,
    StaleVersion,
    SlotTaken,
    SlotUnavailable,
    NotPlanned,
    NotStarted,
    NotClosed,
    InvalidTransition,
    SituationClosed,
    LinkedPartySameHalfDay,
    OutsideCallbackWindow,
    OverlappingWindow,
    UnsafeChannel,
    EmailTaken,
    // Also 409: the request is as the document says, but a record it names does not
    // exist (or is another organisation's), or the clock or the caller's own account says
    // no. A request the document allows is never refused with a 422.
    Unknown,
    InPast,
    TooOld,
    InFuture,
    SelfLockout,
    /// A word that would reveal the service: the organisation's own words, its name, its
    /// sites' names and addresses (data of the organisation, not of the document), and the
    /// built-in list, read through accents, look-alike letters and split words.
    RevealingWord,
    /// Beyond how far ahead the appointment type may be booked (its own setting).
    PastHorizon,
    // 422: a field's value is refused.
    Validation,
    Invalid,
    InvalidField,
    InvalidCode,
    Required,
    OutOfRange,
    SamePerson,
    IdempotencyKeyReused,
    // 429
    TooManyAttempts,
    // 500
    Internal,
}

words!(ProblemCode {
    MalformedJson = "malformed_json" => ("JSON illisible", "Malformed JSON"),
    UnreadableBody = "unreadable_body" => ("Corps de requête illisible", "Unreadable body"),
    InvalidId = "invalid_id" => ("Identifiant invalide", "Invalid id"),
    InvalidParameter = "invalid_parameter" => ("Paramètre invalide", "Invalid parameter"),
    DuplicateParameter = "duplicate_parameter" => ("Paramètre répété", "Repeated parameter"),
    InvalidHeader = "invalid_header" => ("En-tête invalide", "Invalid header"),
    InvalidPhone = "invalid_phone" => ("Numéro de téléphone invalide", "Invalid phone number"),
    PastHorizon = "past_horizon" => ("Trop loin dans le temps", "Too far ahead"),
    RangeTooLong = "range_too_long" => ("Période trop longue", "Range too long"),
    ReversedRange = "reversed_range" => ("Période inversée", "Reversed range"),
    Unauthenticated = "unauthenticated" => ("Connexion nécessaire", "Sign-in needed"),
    InvalidCredentials = "invalid_credentials" => ("Identifiants incorrects", "Wrong credentials"),
    SecondFactorNeeded = "second_factor_needed" => ("Code de vérification attendu", "Verification code needed"),
    CodeAlreadyUsed = "code_already_used" => ("Code déjà utilisé", "Code already used"),
    BadSignature = "bad_signature" => ("Signature invalide", "Bad signature"),
    Forbidden = "forbidden" => ("Accès refusé", "Forbidden"),
    SecondFactorRequired = "second_factor_required" => ("Second facteur obligatoire", "Second factor required"),
    NotFound = "not_found" => ("Introuvable", "Not found"),
    MethodNotAllowed = "method_not_allowed" => ("Méthode non permise", "Method not allowed"),
    PayloadTooLarge = "payload_too_large" => ("Requête trop volumineuse", "Payload too large"),
    UnsupportedMediaType = "unsupported_media_type" => ("Type de contenu non pris en charge", "Unsupported media type"),
    Conflict = "conflict" => ("Conflit", "Conflict"),
    StaleVersion = "stale_version" => ("Version dépassée", "Stale version"),
    SlotTaken = "slot_taken" => ("Créneau déjà pris", "Time already taken"),
    SlotUnavailable = "slot_unavailable" => ("Créneau indisponible", "Time unavailable"),
    NotPlanned = "not_planned" => ("Rendez-vous qui n'est plus prévu", "Appointment no longer planned"),
    NotStarted = "not_started" => ("Rendez-vous pas encore commencé", "Appointment not started yet"),
    NotClosed = "not_closed" => ("Situation non clôturée", "Situation not closed"),
    InvalidTransition = "invalid_transition" => ("Changement impossible", "Change not possible"),
    SituationClosed = "situation_closed" => ("Situation clôturée", "Situation closed"),
    LinkedPartySameHalfDay = "linked_party_same_half_day" => ("Personne liée sur la même demi-journée", "Linked person on the same half-day"),
    OutsideCallbackWindow = "outside_callback_window" => ("Hors de la plage de rappel", "Outside the call-back window"),
    OverlappingWindow = "overlapping_window" => ("Plages qui se chevauchent", "Overlapping windows"),
    UnsafeChannel = "unsafe_channel" => ("Canal non sûr", "Unsafe channel"),
    EmailTaken = "email_taken" => ("Adresse déjà utilisée", "Address already in use"),
    Unknown = "unknown" => ("Inconnu", "Unknown"),
    InPast = "in_past" => ("Dans le passé", "In the past"),
    TooOld = "too_old" => ("Trop ancien", "Too old"),
    InFuture = "in_future" => ("Dans le futur", "In the future"),
    SelfLockout = "self_lockout" => ("Son propre accès", "One's own access"),
    RevealingWord = "revealing_word" => ("Mot qui révèle le service", "Word that reveals the service"),
    Validation = "validation" => ("Saisie refusée", "Input refused"),
    Invalid = "invalid" => ("Invalide", "Invalid"),
    InvalidField = "invalid_field" => ("Champ invalide", "Invalid field"),
    InvalidCode = "invalid_code" => ("Code invalide", "Invalid code"),
    Required = "required" => ("Obligatoire", "Required"),
    OutOfRange = "out_of_range" => ("Hors limites", "Out of range"),
    SamePerson = "same_person" => ("Même personne", "Same person"),
    IdempotencyKeyReused = "idempotency_key_reused" => ("Clé d'idempotence réutilisée", "Idempotency key reused"),
    TooManyAttempts = "too_many_attempts" => ("Trop de tentatives", "Too many attempts"),
    Internal = "internal" => ("Erreur interne", "Internal error"),
});

impl ProblemCode {
    /// The HTTP status this problem is always answered with.
    pub fn status(self) -> u16 {
        use ProblemCode::*;
        match self {
            MalformedJson | UnreadableBody | InvalidId | InvalidParameter | DuplicateParameter
            | InvalidHeader | InvalidPhone | RangeTooLong | ReversedRange => 400,
            Unauthenticated | InvalidCredentials | SecondFactorNeeded | CodeAlreadyUsed
            | BadSignature => 401,
            Forbidden | SecondFactorRequired => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            Conflict
            | StaleVersion
            | SlotTaken
            | SlotUnavailable
            | NotPlanned
            | NotStarted
            | NotClosed
            | InvalidTransition
            | SituationClosed
            | LinkedPartySameHalfDay
            | OutsideCallbackWindow
            | OverlappingWindow
            | UnsafeChannel
            | EmailTaken
            | Unknown
            | InPast
            | TooOld
            | InFuture
            | SelfLockout
            | RevealingWord
            | PastHorizon => 409,
            Validation | Invalid | InvalidField | InvalidCode | Required | OutOfRange
            | SamePerson | IdempotencyKeyReused => 422,
            TooManyAttempts => 429,
            Internal => 500,
        }
    }

    /// The problem's `type` URI.
    pub fn type_uri(self) -> String {
        format!("{TYPE_BASE}{}", self.as_str())
    }

    /// The code of a problem's `type` URI; `None` for a type this build does not know (a
    /// newer server): callers then go by the status.
    pub fn from_type_uri(uri: &str) -> Option<Self> {
        Self::parse(uri.rsplit('/').next().unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_has_a_status() {
        for &c in ProblemCode::ALL {
            assert_eq!(ProblemCode::from_type_uri(&c.type_uri()), Some(c));
            assert!((400..=599).contains(&c.status()), "{c:?}");
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(
            ProblemCode::from_type_uri("https://x/problems/nouveau"),
            None
        );
    }
}
