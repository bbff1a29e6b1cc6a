mod helpers;
mod test_core_flow;
mod test_json;
mod test_refusals;
