//! Producer partitioning, as Kafka's `Utils.murmur2` and `BuiltInPartitioner` do it.
