mod helpers;
mod test_fees;
mod test_refusals;
mod test_retirement;
mod test_slashing;
