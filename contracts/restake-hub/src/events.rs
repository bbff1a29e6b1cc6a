//! Attributes shared by several messages, so indexers read every event the same way.

use cosmwasm_std::Attribute;

/// Ids joined by commas ("" for none).
pub fn join_ids(ids: &[u64]) -> String {
    ids.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// `service_ids` (all, comma-joined) and one `service_id` attribute per service, so an
/// indexer following a single service matches on `service_id` as in every other event.
pub fn service_attrs(ids: &[u64]) -> Vec<Attribute> {
    let mut attrs = vec![Attribute::new("service_ids", join_ids(ids))];
    attrs.extend(
        ids.iter()
            .map(|id| Attribute::new("service_id", id.to_string())),
    );
    attrs
}
