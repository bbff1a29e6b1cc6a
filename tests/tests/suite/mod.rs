mod helpers;
mod test_chain_slash;
mod test_core_flow;
mod test_json;
mod test_refusals;
mod test_rewards;
mod test_slashing;
mod test_unbonding;
