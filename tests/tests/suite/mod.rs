mod test_core_flow;
