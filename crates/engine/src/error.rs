//! Errors are values. [`ErrorCode`] carries Kafka's own error names (as in
//! `org.apache.kafka.common.protocol.Errors`); [`SimError`] is what the engine's API returns
//! for bad input, with a message that says what was wrong and why.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Kafka protocol and client error codes, named as Kafka names them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    UnknownServerError,
    OffsetOutOfRange,
    CorruptMessage,
    UnknownTopicOrPartition,
    LeaderNotAvailable,
    NotLeaderOrFollower,
    RequestTimedOut,
    NetworkException,
    CoordinatorLoadInProgress,
    CoordinatorNotAvailable,
    NotCoordinator,
    InvalidTopicException,
    RecordListTooLarge,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    InvalidRequiredAcks,
    IllegalGeneration,
    InconsistentGroupProtocol,
    InvalidGroupId,
    UnknownMemberId,
    InvalidSessionTimeout,
    RebalanceInProgress,
    TopicAlreadyExists,
    InvalidPartitions,
    InvalidReplicationFactor,
    InvalidReplicaAssignment,
    InvalidConfig,
    InvalidRequest,
    OutOfOrderSequenceNumber,
    DuplicateSequenceNumber,
    InvalidProducerEpoch,
    InvalidTxnState,
    InvalidProducerIdMapping,
    InvalidTransactionTimeout,
    ConcurrentTransactions,
    TransactionCoordinatorFenced,
    GroupIdNotFound,
    NonEmptyGroup,
    FencedLeaderEpoch,
    UnknownLeaderEpoch,
    UnknownProducerId,
    MemberIdRequired,
    FencedInstanceId,
    UnstableOffsetCommit,
    ProducerFenced,
    InvalidRecord,
    KafkaStorageError,
    BrokerNotAvailable,
    GroupMaxSizeReached,
    UnreleasedInstanceId,
    /// KRaft: another incarnation of this broker id still has a valid session.
    DuplicateBrokerRegistration,
    /// KIP-848: the member's epoch is not the one the coordinator knows; it must rejoin.
    FencedMemberEpoch,
    /// KIP-848: an offset commit carries a member epoch other than the member's current one.
    StaleMemberEpoch,
    /// KIP-848: the requested server-side assignor is not configured on the broker.
    UnsupportedAssignor,
    /// KIP-932: the acknowledged records are not acquired by this member (any more).
    InvalidRecordState,
    /// Client side: `NoOffsetForPartitionException` (auto.offset.reset=none, no committed offset).
    NoOffsetForPartition,
    /// Client side: a `ConfigException` raised while validating client configuration.
    ConfigException,
    /// Client side: `TimeoutException` (e.g. `delivery.timeout.ms` expired before an ack).
    TimeoutException,
    /// Client side: `LogTruncationException` (KIP-320): the log was truncated below the
    /// consumer's position and auto.offset.reset=none.
    LogTruncation,
    /// A new leader's high watermark has not yet reached the start of its leader epoch
    /// (KIP-207): it cannot answer ListOffsets for the end of the log yet.
    OffsetNotAvailable,
    /// Client side: `BufferExhaustedException` (a `TimeoutException`): `send()` waited
    /// max.block.ms for room in buffer.memory.
    BufferExhausted,
    /// `MESSAGE_TOO_LARGE` (`RecordTooLargeException`): a record batch larger than the
    /// topic's max.message.bytes (broker), or a record larger than the producer's
    /// max.request.size or buffer.memory (client, before it is sent).
    MessageTooLarge,
}

impl ErrorCode {
    /// The name Kafka prints, e.g. `NOT_ENOUGH_REPLICAS`.
    pub fn name(self) -> &'static str {
        use ErrorCode::*;
        match self {
            UnknownServerError => "UNKNOWN_SERVER_ERROR",
            OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            CorruptMessage => "CORRUPT_MESSAGE",
            UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            RequestTimedOut => "REQUEST_TIMED_OUT",
            NetworkException => "NETWORK_EXCEPTION",
            CoordinatorLoadInProgress => "COORDINATOR_LOAD_IN_PROGRESS",
            CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            NotCoordinator => "NOT_COORDINATOR",
            InvalidTopicException => "INVALID_TOPIC_EXCEPTION",
            RecordListTooLarge => "RECORD_LIST_TOO_LARGE",
            NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            InvalidRequiredAcks => "INVALID_REQUIRED_ACKS",
            IllegalGeneration => "ILLEGAL_GENERATION",
            InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            InvalidGroupId => "INVALID_GROUP_ID",
            UnknownMemberId => "UNKNOWN_MEMBER_ID",
            InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            TopicAlreadyExists => "TOPIC_ALREADY_EXISTS",
            InvalidPartitions => "INVALID_PARTITIONS",
            InvalidReplicationFactor => "INVALID_REPLICATION_FACTOR",
            InvalidReplicaAssignment => "INVALID_REPLICA_ASSIGNMENT",
            InvalidConfig => "INVALID_CONFIG",
            InvalidRequest => "INVALID_REQUEST",
            OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            DuplicateSequenceNumber => "DUPLICATE_SEQUENCE_NUMBER",
            InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            InvalidTxnState => "INVALID_TXN_STATE",
            InvalidProducerIdMapping => "INVALID_PRODUCER_ID_MAPPING",
            InvalidTransactionTimeout => "INVALID_TRANSACTION_TIMEOUT",
            ConcurrentTransactions => "CONCURRENT_TRANSACTIONS",
            TransactionCoordinatorFenced => "TRANSACTION_COORDINATOR_FENCED",
            GroupIdNotFound => "GROUP_ID_NOT_FOUND",
            NonEmptyGroup => "NON_EMPTY_GROUP",
            FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH",
            UnknownProducerId => "UNKNOWN_PRODUCER_ID",
            MemberIdRequired => "MEMBER_ID_REQUIRED",
            FencedInstanceId => "FENCED_INSTANCE_ID",
            UnstableOffsetCommit => "UNSTABLE_OFFSET_COMMIT",
            ProducerFenced => "PRODUCER_FENCED",
            InvalidRecord => "INVALID_RECORD",
            KafkaStorageError => "KAFKA_STORAGE_ERROR",
            BrokerNotAvailable => "BROKER_NOT_AVAILABLE",
            GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED",
            UnreleasedInstanceId => "UNRELEASED_INSTANCE_ID",
            DuplicateBrokerRegistration => "DUPLICATE_BROKER_REGISTRATION",
            FencedMemberEpoch => "FENCED_MEMBER_EPOCH",
            StaleMemberEpoch => "STALE_MEMBER_EPOCH",
            UnsupportedAssignor => "UNSUPPORTED_ASSIGNOR",
            InvalidRecordState => "INVALID_RECORD_STATE",
            NoOffsetForPartition => "NO_OFFSET_FOR_PARTITION",
            ConfigException => "CONFIG_EXCEPTION",
            TimeoutException => "TIMEOUT_EXCEPTION",
            LogTruncation => "LOG_TRUNCATION_EXCEPTION",
            OffsetNotAvailable => "OFFSET_NOT_AVAILABLE",
            BufferExhausted => "BUFFER_EXHAUSTED_EXCEPTION",
            MessageTooLarge => "MESSAGE_TOO_LARGE",
        }
    }

    /// Whether Kafka classes this error as retriable (`RetriableException` subclasses).
    pub fn retriable(self) -> bool {
        use ErrorCode::*;
        matches!(
            self,
            UnknownTopicOrPartition
                | LeaderNotAvailable
                | NotLeaderOrFollower
                | RequestTimedOut
                | NetworkException
                | CoordinatorLoadInProgress
                | CoordinatorNotAvailable
                | NotCoordinator
                | NotEnoughReplicas
                | NotEnoughReplicasAfterAppend
                | CorruptMessage
                | KafkaStorageError
                | FencedLeaderEpoch
                | UnknownLeaderEpoch
                | ConcurrentTransactions
                | UnstableOffsetCommit
                | TimeoutException
                | OffsetNotAvailable
                | BufferExhausted
        )
    }

    /// One line on what the error means, for the UI.
    pub fn explain(self) -> &'static str {
        use ErrorCode::*;
        match self {
            NotEnoughReplicas => "acks=all write refused before append: the ISR is smaller than min.insync.replicas",
            NotEnoughReplicasAfterAppend => "the record was appended but the ISR shrank below min.insync.replicas before it was replicated",
            RequestTimedOut => "no response within request.timeout.ms (the high watermark never reached the record, or the broker is unreachable)",
            NotLeaderOrFollower => "the broker is no longer the partition's leader; the client refreshes metadata and retries",
            LeaderNotAvailable => "the partition has no leader right now (offline)",
            NetworkException => "the connection to the broker was closed",
            OffsetOutOfRange => "the fetch offset is below the log start offset or above the log end",
            UnknownTopicOrPartition => "no such topic or partition",
            InvalidPartitions => "the partition count is invalid",
            InvalidReplicationFactor => "the replication factor is larger than the number of brokers, or below 1",
            TimeoutException => "delivery.timeout.ms expired before the record was acknowledged",
            OutOfOrderSequenceNumber => "the broker received a sequence number that does not follow the last one it stored",
            InvalidProducerEpoch => "the producer's epoch is older than the broker's: a newer instance has taken over",
            ProducerFenced => "a newer producer with the same transactional.id has fenced this one",
            NoOffsetForPartition => "auto.offset.reset=none and the group has no committed offset",
            LogTruncation => "the leader's log was truncated below the consumer's position (an unclean election); with auto.offset.reset=none the application must seek",
            BufferExhausted => "send() blocked for max.block.ms waiting for room in buffer.memory, which is full of batches the brokers have not acknowledged; the application gets the exception and the record is not sent",
            MessageTooLarge => "the record batch is larger than the topic's max.message.bytes (a producer splits a batch of several records and sends the parts again; a single record fails), or the record is larger than the producer's max.request.size or buffer.memory",
            OffsetNotAvailable => "the partition's new leader has not yet moved its high watermark to the start of its epoch (it waits for its followers): the end offset is not known yet; the client retries",
            IllegalGeneration => "the request carries a generation older than the group's current one",
            UnknownMemberId => "the coordinator does not know this member (it was removed, e.g. after a session timeout)",
            RebalanceInProgress => "the group is rebalancing; the member must rejoin",
            NonEmptyGroup => "offsets can only be reset while the group has no active members",
            CoordinatorNotAvailable => "the group or transaction coordinator is not available",
            NotCoordinator => "this broker is not the coordinator for the group or transactional id",
            ConcurrentTransactions => "another transaction operation is in progress for this producer",
            InvalidTxnState => "the transaction is not in a state that allows this operation",
            UnstableOffsetCommit => "there are pending transactional offset commits for this partition",
            InvalidRecord => "the record is invalid for this topic (e.g. a keyless record on a compacted topic)",
            FencedMemberEpoch => "the member's epoch is not the one the coordinator knows: it gives up its partitions and rejoins with epoch 0",
            StaleMemberEpoch => "the offset commit carries an older member epoch than the member's current one",
            DuplicateBrokerRegistration => "the controller still holds a valid session (broker.session.timeout.ms) for an earlier process with this broker id; the broker retries",
            UnreleasedInstanceId => "another member with this group.instance.id is still in the group and has not left",
            GroupIdNotFound => "the group does not exist, or is not a group of the protocol the request belongs to",
            InvalidRecordState => "the records are not acquired by this share group member (its acquisition lock expired, or another member holds them)",
            _ => "",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error returned by the engine's API: invalid input, with what and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SimError {
    /// A Kafka error with Kafka's name, e.g. creating a topic with too many replicas.
    Kafka { code: ErrorCode, message: String },
    /// A configuration key that is unknown or has an invalid value.
    Config { key: String, message: String },
    /// A scenario document that is malformed; `path` points at the failing field.
    Scenario { path: String, message: String },
    /// A command that names something that does not exist or cannot be done now.
    InvalidCommand { message: String },
}

impl SimError {
    pub fn kafka(code: ErrorCode, message: impl Into<String>) -> Self {
        SimError::Kafka {
            code,
            message: message.into(),
        }
    }
    pub fn config(key: impl Into<String>, message: impl Into<String>) -> Self {
        SimError::Config {
            key: key.into(),
            message: message.into(),
        }
    }
    pub fn scenario(path: impl Into<String>, message: impl Into<String>) -> Self {
        SimError::Scenario {
            path: path.into(),
            message: message.into(),
        }
    }
    pub fn command(message: impl Into<String>) -> Self {
        SimError::InvalidCommand {
            message: message.into(),
        }
    }
    /// The Kafka error code, if this error has one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            SimError::Kafka { code, .. } => Some(*code),
            SimError::Config { .. } => Some(ErrorCode::InvalidConfig),
            _ => None,
        }
    }
    /// Prefix a scenario path (used while validating nested documents).
    pub fn at(self, prefix: &str) -> Self {
        match self {
            SimError::Scenario { path, message } => SimError::Scenario {
                path: if path.is_empty() {
                    prefix.to_string()
                } else {
                    format!("{prefix}.{path}")
                },
                message,
            },
            SimError::Config { key, message } => SimError::Scenario {
                path: format!("{prefix}.config.{key}"),
                message,
            },
            SimError::Kafka { code, message } => SimError::Scenario {
                path: prefix.to_string(),
                message: format!("{code}: {message}"),
            },
            SimError::InvalidCommand { message } => SimError::Scenario {
                path: prefix.to_string(),
                message,
            },
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Kafka { code, message } => write!(f, "{code}: {message}"),
            SimError::Config { key, message } => write!(f, "config `{key}`: {message}"),
            SimError::Scenario { path, message } => {
                if path.is_empty() {
                    write!(f, "{message}")
                } else {
                    write!(f, "at `{path}`: {message}")
                }
            }
            SimError::InvalidCommand { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for SimError {}

pub type SimResult<T> = Result<T, SimError>;
