mod helpers;
mod test_chain_slash;
mod test_core;
mod test_exits;
mod test_pending_slash;
mod test_rewards;
mod test_rules;
mod test_strategy;
