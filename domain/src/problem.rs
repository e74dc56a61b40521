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
    PastHorizon,
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
    // 422: a field's value is refused.
    Validation,
    Invalid,
    InvalidField,
    InvalidCode,
    Required,
    Unknown,
    InPast,
    OutOfRange,
    SamePerson,
    IdempotencyKeyReused,
    // 429
    TooManyAttempts,
    // 500
    Internal,
}

words!(ProblemCode {
    MalformedJson = "malformed_json",
    UnreadableBody = "unreadable_body",
    InvalidId = "invalid_id",
    InvalidParameter = "invalid_parameter",
    DuplicateParameter = "duplicate_parameter",
    InvalidHeader = "invalid_header",
    InvalidPhone = "invalid_phone",
    PastHorizon = "past_horizon",
    RangeTooLong = "range_too_long",
    ReversedRange = "reversed_range",
    Unauthenticated = "unauthenticated",
    InvalidCredentials = "invalid_credentials",
    SecondFactorNeeded = "second_factor_needed",
    CodeAlreadyUsed = "code_already_used",
    BadSignature = "bad_signature",
    Forbidden = "forbidden",
    SecondFactorRequired = "second_factor_required",
    NotFound = "not_found",
    MethodNotAllowed = "method_not_allowed",
    PayloadTooLarge = "payload_too_large",
    UnsupportedMediaType = "unsupported_media_type",
    Conflict = "conflict",
    StaleVersion = "stale_version",
    SlotTaken = "slot_taken",
    SlotUnavailable = "slot_unavailable",
    NotPlanned = "not_planned",
    NotStarted = "not_started",
    NotClosed = "not_closed",
    InvalidTransition = "invalid_transition",
    SituationClosed = "situation_closed",
    LinkedPartySameHalfDay = "linked_party_same_half_day",
    OutsideCallbackWindow = "outside_callback_window",
    OverlappingWindow = "overlapping_window",
    UnsafeChannel = "unsafe_channel",
    EmailTaken = "email_taken",
    Validation = "validation",
    Invalid = "invalid",
    InvalidField = "invalid_field",
    InvalidCode = "invalid_code",
    Required = "required",
    Unknown = "unknown",
    InPast = "in_past",
    OutOfRange = "out_of_range",
    SamePerson = "same_person",
    IdempotencyKeyReused = "idempotency_key_reused",
    TooManyAttempts = "too_many_attempts",
    Internal = "internal",
});

impl ProblemCode {
    /// The HTTP status this problem is always answered with.
    pub fn status(self) -> u16 {
        use ProblemCode::*;
        match self {
            MalformedJson | UnreadableBody | InvalidId | InvalidParameter | DuplicateParameter
            | InvalidHeader | InvalidPhone | PastHorizon | RangeTooLong | ReversedRange => 400,
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
            | EmailTaken => 409,
            Validation | Invalid | InvalidField | InvalidCode | Required | Unknown | InPast
            | OutOfRange | SamePerson | IdempotencyKeyReused => 422,
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
