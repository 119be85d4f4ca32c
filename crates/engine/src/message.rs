//! Messages exchanged over the simulated network: Kafka's requests and responses (the
//! fields the simulator needs), KRaft controller traffic, and a synthetic `Disconnected`
//! that tells a sender its connection was refused or reset.

use crate::assignor::{Subscription, TopicPartition};
use crate::error::ErrorCode;
use crate::metadata::{MetadataRecord, PartitionRegistration};
use crate::record::Records;
use crate::types::{BrokerId, Tp};
use serde::{Deserialize, Serialize};

/// `acks` as the produce request carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acks {
    None,
    Leader,
    All,
}

impl Acks {
    pub fn parse(s: &str) -> Acks {
        match s {
            "0" => Acks::None,
            "1" => Acks::Leader,
            _ => Acks::All,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinatorType {
    Group,
    Transaction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Isolation {
    /// Followers read up to the log end.
    LogEnd,
    /// `read_uncommitted`: up to the high watermark.
    HighWatermark,
    /// `read_committed`: up to the last stable offset.
    Committed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionMetadata {
    pub partition: i32,
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub error: Option<ErrorCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicMetadata {
    pub name: String,
    pub id: Option<u32>,
    pub error: Option<ErrorCode>,
    pub partitions: Vec<PartitionMetadata>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducePartitionResult {
    pub tp: Tp,
    pub error: Option<ErrorCode>,
    pub base_offset: i64,
    pub log_append_time: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchPartition {
    pub tp: Tp,
    pub fetch_offset: i64,
    /// The epoch of the last record the fetcher has (followers; KIP-320 divergence check).
    pub last_fetched_epoch: Option<i32>,
    /// The fetcher's idea of the current leader epoch (fencing).
    pub current_leader_epoch: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivergingEpoch {
    pub epoch: i32,
    pub end_offset: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbortedTxnInfo {
    pub producer_id: i64,
    pub first_offset: i64,
}

/// A ListOffsets answer for one partition: `(offset, timestamp)` or an error.
pub type ListOffsetResult = Result<(i64, i64), ErrorCode>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchPartitionData {
    pub tp: Tp,
    pub error: Option<ErrorCode>,
    pub high_watermark: i64,
    pub last_stable_offset: i64,
    pub log_start_offset: i64,
    pub diverging_epoch: Option<DivergingEpoch>,
    pub aborted: Vec<AbortedTxnInfo>,
    pub records: Records,
}

/// How a share consumer acknowledges a record it acquired (KIP-932 `AcknowledgeType`; on the
/// wire 1 = ACCEPT, 2 = RELEASE, 3 = REJECT, and 0 = GAP for offsets without a record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcknowledgeType {
    /// Processed: the record is done for this share group (`ACKNOWLEDGED`).
    Accept,
    /// Give it back: the record becomes available for another delivery (or is archived when
    /// its delivery count reached `group.share.delivery.count.limit`).
    Release,
    /// Unprocessable: the record is archived and never delivered again.
    Reject,
}

impl AcknowledgeType {
    pub fn name(self) -> &'static str {
        match self {
            AcknowledgeType::Accept => "accept",
            AcknowledgeType::Release => "release",
            AcknowledgeType::Reject => "reject",
        }
    }
    pub fn parse(s: &str) -> Option<AcknowledgeType> {
        match s.to_ascii_lowercase().as_str() {
            "accept" => Some(AcknowledgeType::Accept),
            "release" => Some(AcknowledgeType::Release),
            "reject" => Some(AcknowledgeType::Reject),
            _ => None,
        }
    }
}

/// `AcknowledgementBatch` of `ShareFetch` / `ShareAcknowledge`: offsets `first..=last` and
/// either one type for all of them or one type per offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareAcknowledgementBatch {
    pub first_offset: i64,
    pub last_offset: i64,
    pub types: Vec<AcknowledgeType>,
}

/// `AcquiredRecords` of a `ShareFetchResponse`: offsets `first..=last` acquired for the member,
/// delivered for the `delivery_count`-th time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcquiredRecords {
    pub first_offset: i64,
    pub last_offset: i64,
    pub delivery_count: u16,
}

/// One partition of a `ShareFetch`: whether to fetch from it, and acknowledgements piggy-backed
/// on the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareFetchPartition {
    pub tp: Tp,
    /// False when the partition is only there to carry acknowledgements
    /// (`PartitionMaxBytes` 0 in Kafka).
    pub fetch: bool,
    pub acknowledgements: Vec<ShareAcknowledgementBatch>,
}

/// One partition of a `ShareFetchResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareFetchPartitionData {
    pub tp: Tp,
    pub error: Option<ErrorCode>,
    /// The outcome of the acknowledgements the request carried for this partition.
    pub acknowledge_error: Option<ErrorCode>,
    /// Whole batches read from the log; only the `acquired` offsets belong to the member.
    pub records: Records,
    pub acquired: Vec<AcquiredRecords>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Message {
    // --- KRaft: brokers ↔ active controller ---
    /// `incarnation` tells a restarted process from the one before it (Kafka's
    /// `incarnationId`).
    BrokerRegistration {
        broker: BrokerId,
        rack: Option<String>,
        incarnation: u32,
    },
    BrokerRegistrationResponse {
        incarnation: u32,
        error: Option<ErrorCode>,
    },
    BrokerHeartbeat {
        broker: BrokerId,
        metadata_offset: u64,
        incarnation: u32,
    },
    /// Metadata records from `from_offset` on (a heartbeat response or a push).
    MetadataUpdate {
        from_offset: u64,
        records: Vec<MetadataRecord>,
        fenced: bool,
    },
    AlterPartition {
        broker: BrokerId,
        tp: Tp,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
    },
    AlterPartitionResponse {
        tp: Tp,
        result: Result<PartitionRegistration, ErrorCode>,
    },

    // --- clients ↔ brokers ---
    MetadataRequest {
        corr: u64,
        topics: Vec<String>,
        allow_auto_create: bool,
    },
    MetadataResponse {
        corr: u64,
        brokers: Vec<BrokerId>,
        topics: Vec<TopicMetadata>,
    },
    Produce {
        corr: u64,
        acks: Acks,
        timeout_ms: u64,
        transactional_id: Option<String>,
        partitions: Vec<(Tp, Records)>,
    },
    ProduceResponse {
        corr: u64,
        partitions: Vec<ProducePartitionResult>,
    },
    Fetch {
        corr: u64,
        replica: Option<BrokerId>,
        max_wait_ms: u64,
        min_bytes: usize,
        /// The whole response's limit (`fetch.max.bytes`; a follower's
        /// `replica.fetch.response.max.bytes`).
        max_bytes: usize,
        /// Each partition's limit (`max.partition.fetch.bytes`; `replica.fetch.max.bytes`).
        partition_max_bytes: usize,
        isolation: Isolation,
        partitions: Vec<FetchPartition>,
    },
    FetchResponse {
        corr: u64,
        partitions: Vec<FetchPartitionData>,
    },
    ListOffsets {
        corr: u64,
        isolation: Isolation,
        partitions: Vec<(Tp, i64)>,
    },
    ListOffsetsResponse {
        corr: u64,
        partitions: Vec<(Tp, ListOffsetResult)>,
    },

    InitProducerId {
        corr: u64,
        transactional_id: Option<String>,
        transaction_timeout_ms: i64,
        producer_id: i64,
        producer_epoch: i16,
    },
    InitProducerIdResponse {
        corr: u64,
        error: Option<ErrorCode>,
        producer_id: i64,
        producer_epoch: i16,
    },

    /// A broker forwards the creation of an internal topic to the controller.
    CreateTopics {
        name: String,
        partitions: i32,
        replication_factor: i32,
        config: Vec<(String, String)>,
    },

    // --- consumer groups (classic protocol) ---
    FindCoordinator {
        corr: u64,
        key: String,
        key_type: CoordinatorType,
    },
    FindCoordinatorResponse {
        corr: u64,
        error: Option<ErrorCode>,
        node: BrokerId,
    },
    JoinGroup {
        corr: u64,
        group: String,
        member_id: String,
        instance_id: Option<String>,
        client_id: String,
        session_timeout_ms: u64,
        rebalance_timeout_ms: u64,
        /// (assignor name, subscription) in preference order.
        protocols: Vec<(String, Subscription)>,
    },
    JoinGroupResponse {
        corr: u64,
        error: Option<ErrorCode>,
        generation: i32,
        protocol: Option<String>,
        leader: String,
        member_id: String,
        /// Filled for the leader only: every member's subscription for the chosen protocol.
        members: Vec<Subscription>,
    },
    SyncGroup {
        corr: u64,
        group: String,
        generation: i32,
        member_id: String,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    SyncGroupResponse {
        corr: u64,
        error: Option<ErrorCode>,
        assignment: Vec<TopicPartition>,
    },
    Heartbeat {
        corr: u64,
        group: String,
        generation: i32,
        member_id: String,
    },
    HeartbeatResponse {
        corr: u64,
        error: Option<ErrorCode>,
    },
    LeaveGroup {
        corr: u64,
        group: String,
        member_id: String,
        reason: String,
    },
    LeaveGroupResponse {
        corr: u64,
        error: Option<ErrorCode>,
    },
    OffsetCommit {
        corr: u64,
        group: String,
        generation: i32,
        member_id: String,
        offsets: Vec<(TopicPartition, i64)>,
    },
    OffsetCommitResponse {
        corr: u64,
        results: Vec<(TopicPartition, Option<ErrorCode>)>,
    },
    OffsetFetch {
        corr: u64,
        group: String,
        partitions: Vec<TopicPartition>,
        /// KIP-447: read_committed consumers ask for stable offsets only (no pending
        /// transactional commits), and get UNSTABLE_OFFSET_COMMIT otherwise.
        require_stable: bool,
    },
    OffsetFetchResponse {
        corr: u64,
        error: Option<ErrorCode>,
        offsets: Vec<(TopicPartition, i64)>,
    },

    // --- consumer groups (KIP-848 consumer protocol, `group.protocol=consumer`) ---
    /// `ConsumerGroupHeartbeat`. `member_epoch` 0 joins, -1 leaves, -2 leaves temporarily
    /// (static members). `None` fields did not change since the previous heartbeat;
    /// `rebalance_timeout_ms` is -1 when unchanged.
    ConsumerGroupHeartbeat {
        corr: u64,
        group: String,
        member_id: String,
        member_epoch: i32,
        instance_id: Option<String>,
        rebalance_timeout_ms: i32,
        subscribed_topics: Option<Vec<String>>,
        server_assignor: Option<String>,
        /// The partitions the member owns now.
        owned: Option<Vec<TopicPartition>>,
    },
    ConsumerGroupHeartbeatResponse {
        corr: u64,
        error: Option<ErrorCode>,
        member_id: String,
        member_epoch: i32,
        heartbeat_interval_ms: i32,
        /// The member's assignment, when it changed or the request was a full one.
        assignment: Option<Vec<TopicPartition>>,
    },

    // --- transactions ---
    AddPartitionsToTxn {
        corr: u64,
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        partitions: Vec<Tp>,
    },
    AddPartitionsToTxnResponse {
        corr: u64,
        results: Vec<(Tp, Option<ErrorCode>)>,
    },
    AddOffsetsToTxn {
        corr: u64,
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        group: String,
    },
    AddOffsetsToTxnResponse {
        corr: u64,
        error: Option<ErrorCode>,
    },
    TxnOffsetCommit {
        corr: u64,
        transactional_id: String,
        group: String,
        producer_id: i64,
        producer_epoch: i16,
        generation: i32,
        member_id: String,
        offsets: Vec<(TopicPartition, i64)>,
    },
    TxnOffsetCommitResponse {
        corr: u64,
        results: Vec<(TopicPartition, Option<ErrorCode>)>,
    },
    EndTxn {
        corr: u64,
        transactional_id: String,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
    },
    EndTxnResponse {
        corr: u64,
        error: Option<ErrorCode>,
    },
    /// The transaction coordinator asks a partition leader to append COMMIT/ABORT markers.
    WriteTxnMarkers {
        corr: u64,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
        partitions: Vec<Tp>,
    },
    WriteTxnMarkersResponse {
        corr: u64,
        results: Vec<(Tp, Option<ErrorCode>)>,
    },

    // --- share groups (KIP-932, Kafka 4.0+) ---
    /// `ShareGroupHeartbeat`: `member_epoch` 0 joins, -1 leaves. `subscribed_topics` is sent
    /// when joining (and when it changes).
    ShareGroupHeartbeat {
        corr: u64,
        group: String,
        member_id: String,
        member_epoch: i32,
        subscribed_topics: Option<Vec<String>>,
    },
    ShareGroupHeartbeatResponse {
        corr: u64,
        error: Option<ErrorCode>,
        member_id: String,
        member_epoch: i32,
        heartbeat_interval_ms: i32,
        /// The member's assignment, when it joined or the assignment changed.
        assignment: Option<Vec<TopicPartition>>,
    },
    /// `ShareFetch` to a partition leader: acquire records for the member (at most
    /// `max_records`), waiting up to `max_wait_ms` when there are none, and apply the
    /// acknowledgements it carries first. `share_session_epoch` -1 closes the share session:
    /// the member's remaining acquired records are released.
    ShareFetch {
        corr: u64,
        group: String,
        member_id: String,
        share_session_epoch: i32,
        max_wait_ms: u64,
        min_bytes: usize,
        max_bytes: usize,
        max_records: u32,
        partitions: Vec<ShareFetchPartition>,
    },
    ShareFetchResponse {
        corr: u64,
        error: Option<ErrorCode>,
        partitions: Vec<ShareFetchPartitionData>,
    },
    /// `ShareAcknowledge`: acknowledgements without fetching (`commitSync`, `close`).
    ShareAcknowledge {
        corr: u64,
        group: String,
        member_id: String,
        share_session_epoch: i32,
        partitions: Vec<(Tp, Vec<ShareAcknowledgementBatch>)>,
    },
    ShareAcknowledgeResponse {
        corr: u64,
        error: Option<ErrorCode>,
        partitions: Vec<(Tp, Option<ErrorCode>)>,
    },

    /// Synthetic: the receiver was down, so the connection was refused/reset. Sent back to
    /// the original sender; `corr` is the request's correlation id when it had one.
    Disconnected {
        corr: Option<u64>,
    },
}

impl Message {
    /// The API name as Kafka calls it.
    pub fn name(&self) -> &'static str {
        match self {
            Message::BrokerRegistration { .. } => "BrokerRegistration",
            Message::BrokerRegistrationResponse { .. } => "BrokerRegistrationResponse",
            Message::BrokerHeartbeat { .. } => "BrokerHeartbeat",
            Message::MetadataUpdate { .. } => "MetadataUpdate",
            Message::AlterPartition { .. } => "AlterPartition",
            Message::AlterPartitionResponse { .. } => "AlterPartitionResponse",
            Message::MetadataRequest { .. } => "Metadata",
            Message::MetadataResponse { .. } => "MetadataResponse",
            Message::Produce { .. } => "Produce",
            Message::ProduceResponse { .. } => "ProduceResponse",
            Message::Fetch {
                replica: Some(_), ..
            } => "Fetch (replica)",
            Message::Fetch { .. } => "Fetch",
            Message::FetchResponse { .. } => "FetchResponse",
            Message::ListOffsets { .. } => "ListOffsets",
            Message::ListOffsetsResponse { .. } => "ListOffsetsResponse",
            Message::InitProducerId { .. } => "InitProducerId",
            Message::InitProducerIdResponse { .. } => "InitProducerIdResponse",
            Message::CreateTopics { .. } => "CreateTopics",
            Message::FindCoordinator { .. } => "FindCoordinator",
            Message::FindCoordinatorResponse { .. } => "FindCoordinatorResponse",
            Message::JoinGroup { .. } => "JoinGroup",
            Message::JoinGroupResponse { .. } => "JoinGroupResponse",
            Message::SyncGroup { .. } => "SyncGroup",
            Message::SyncGroupResponse { .. } => "SyncGroupResponse",
            Message::Heartbeat { .. } => "Heartbeat",
            Message::HeartbeatResponse { .. } => "HeartbeatResponse",
            Message::LeaveGroup { .. } => "LeaveGroup",
            Message::LeaveGroupResponse { .. } => "LeaveGroupResponse",
            Message::OffsetCommit { .. } => "OffsetCommit",
            Message::OffsetCommitResponse { .. } => "OffsetCommitResponse",
            Message::OffsetFetch { .. } => "OffsetFetch",
            Message::OffsetFetchResponse { .. } => "OffsetFetchResponse",
            Message::ConsumerGroupHeartbeat { .. } => "ConsumerGroupHeartbeat",
            Message::ConsumerGroupHeartbeatResponse { .. } => "ConsumerGroupHeartbeatResponse",
            Message::AddPartitionsToTxn { .. } => "AddPartitionsToTxn",
            Message::AddPartitionsToTxnResponse { .. } => "AddPartitionsToTxnResponse",
            Message::AddOffsetsToTxn { .. } => "AddOffsetsToTxn",
            Message::AddOffsetsToTxnResponse { .. } => "AddOffsetsToTxnResponse",
            Message::TxnOffsetCommit { .. } => "TxnOffsetCommit",
            Message::TxnOffsetCommitResponse { .. } => "TxnOffsetCommitResponse",
            Message::EndTxn { .. } => "EndTxn",
            Message::EndTxnResponse { .. } => "EndTxnResponse",
            Message::WriteTxnMarkers { .. } => "WriteTxnMarkers",
            Message::WriteTxnMarkersResponse { .. } => "WriteTxnMarkersResponse",
            Message::ShareGroupHeartbeat { .. } => "ShareGroupHeartbeat",
            Message::ShareGroupHeartbeatResponse { .. } => "ShareGroupHeartbeatResponse",
            Message::ShareFetch { .. } => "ShareFetch",
            Message::ShareFetchResponse { .. } => "ShareFetchResponse",
            Message::ShareAcknowledge { .. } => "ShareAcknowledge",
            Message::ShareAcknowledgeResponse { .. } => "ShareAcknowledgeResponse",
            Message::Disconnected { .. } => "Disconnected",
        }
    }

    /// The correlation id of a request, for the synthetic disconnect reply.
    pub fn correlation(&self) -> Option<u64> {
        match self {
            Message::MetadataRequest { corr, .. }
            | Message::Produce { corr, .. }
            | Message::Fetch { corr, .. }
            | Message::ListOffsets { corr, .. }
            | Message::InitProducerId { corr, .. }
            | Message::FindCoordinator { corr, .. }
            | Message::JoinGroup { corr, .. }
            | Message::SyncGroup { corr, .. }
            | Message::Heartbeat { corr, .. }
            | Message::LeaveGroup { corr, .. }
            | Message::OffsetCommit { corr, .. }
            | Message::OffsetFetch { corr, .. }
            | Message::ConsumerGroupHeartbeat { corr, .. }
            | Message::AddPartitionsToTxn { corr, .. }
            | Message::AddOffsetsToTxn { corr, .. }
            | Message::TxnOffsetCommit { corr, .. }
            | Message::EndTxn { corr, .. }
            | Message::WriteTxnMarkers { corr, .. }
            | Message::ShareGroupHeartbeat { corr, .. }
            | Message::ShareFetch { corr, .. }
            | Message::ShareAcknowledge { corr, .. } => Some(*corr),
            _ => None,
        }
    }

    /// The correlation id of a response to a client's request (or of the synthetic
    /// `Disconnected` answering one).
    pub fn response_correlation(&self) -> Option<u64> {
        match self {
            Message::MetadataResponse { corr, .. }
            | Message::ProduceResponse { corr, .. }
            | Message::FetchResponse { corr, .. }
            | Message::ListOffsetsResponse { corr, .. }
            | Message::InitProducerIdResponse { corr, .. }
            | Message::FindCoordinatorResponse { corr, .. }
            | Message::JoinGroupResponse { corr, .. }
            | Message::SyncGroupResponse { corr, .. }
            | Message::HeartbeatResponse { corr, .. }
            | Message::LeaveGroupResponse { corr, .. }
            | Message::OffsetCommitResponse { corr, .. }
            | Message::OffsetFetchResponse { corr, .. }
            | Message::ConsumerGroupHeartbeatResponse { corr, .. }
            | Message::AddPartitionsToTxnResponse { corr, .. }
            | Message::AddOffsetsToTxnResponse { corr, .. }
            | Message::TxnOffsetCommitResponse { corr, .. }
            | Message::EndTxnResponse { corr, .. }
            | Message::WriteTxnMarkersResponse { corr, .. }
            | Message::ShareGroupHeartbeatResponse { corr, .. }
            | Message::ShareFetchResponse { corr, .. }
            | Message::ShareAcknowledgeResponse { corr, .. } => Some(*corr),
            Message::Disconnected { corr } => *corr,
            _ => None,
        }
    }

    /// Whether a response is expected (so a dead receiver produces a `Disconnected`).
    pub fn expects_response(&self) -> bool {
        match self {
            Message::Produce { acks, .. } => *acks != Acks::None,
            _ => self.correlation().is_some(),
        }
    }

    /// Number of records carried (for animation weight and summaries).
    pub fn record_count(&self) -> usize {
        match self {
            Message::Produce { partitions, .. } => {
                partitions.iter().map(|(_, r)| r.record_count()).sum()
            }
            Message::FetchResponse { partitions, .. } => {
                partitions.iter().map(|p| p.records.record_count()).sum()
            }
            Message::ShareFetchResponse { partitions, .. } => partitions
                .iter()
                .flat_map(|p| p.acquired.iter())
                .map(|a| (a.last_offset - a.first_offset + 1).max(0) as usize)
                .sum(),
            _ => 0,
        }
    }
}
