use std::process::ExitCode;

use clap::{Args, Command, FromArgMatches};
use restake_cli::cli::{self, SchemaArgs, SimulateArgs, EXIT_INVALID};
use restake_cli::serve::{serve, ServeArgs};

fn command() -> Command {
    Command::new("restake")
        .version(env!("CARGO_PKG_VERSION"))
        .about("restake-hub tools: scenario simulator, message builder, schema writer")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(SimulateArgs::augment_args(
            Command::new("simulate")
                .about("Run a scenario on an embedded chain and show the hub's state")
                .long_about(
                    "Run a scenario (YAML or JSON) on an embedded chain (cw-multi-test with staking, \
                     bank, cw20 and the hub). Prints the dashboard after each step that changed what it \
                     shows (--verbose: after every step that may change the chain), checks `expect:` \
                     steps and the hub's invariants after every step. Exit code 0: passed, 1: an \
                     expectation or invariant failed, 2: the file is wrong.",
                ),
        ))
        .subcommand(restake_cli::msg::command())
        .subcommand(SchemaArgs::augment_args(
            Command::new("schema")
                .about("Write the contract's JSON schema (same files as schema/ in the repository)"),
        ))
        .subcommand(ServeArgs::augment_args(
            Command::new("serve")
                .about("Run a scenario, then serve its chain's LCD queries and the staker dashboard")
                .long_about(
                    "Run a scenario on the embedded chain, then answer on localhost the REST (LCD) \
                     smart queries a front-end sends to wasmd (GET /cosmwasm/wasm/v1/contract/\
                     {address}/smart/{base64 query}), bank balances, and serve the staker dashboard \
                     (web/dist, built by `npm run build` in web/). If an expectation fails, the chain \
                     is served as it was at that step. Ctrl-C stops it.",
                ),
        ))
}

fn main() -> ExitCode {
    let m = command().get_matches();
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match m.subcommand() {
        Some(("simulate", sm)) => match SimulateArgs::from_arg_matches(sm) {
            Ok(a) => ExitCode::from(cli::simulate(&a, &mut out, &mut err)),
            Err(e) => e.exit(),
        },
        Some(("msg", mm)) => match restake_cli::msg::run(mm) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_INVALID)
            }
        },
        Some(("schema", sm)) => {
            let run = SchemaArgs::from_arg_matches(sm)
                .map_err(anyhow::Error::from)
                .and_then(|a| cli::schema(&a, &mut out));
            match run {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(("serve", sm)) => match ServeArgs::from_arg_matches(sm) {
            Ok(a) => {
                let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
                let flag = stop.clone();
                if let Err(e) = ctrlc::set_handler(move || {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst)
                }) {
                    eprintln!("warning: cannot handle Ctrl-C: {e}");
                }
                ExitCode::from(serve(&a, &mut out, &mut err, &stop, &mut |_| {}))
            }
            Err(e) => e.exit(),
        },
        _ => ExitCode::from(EXIT_INVALID),
    }
}
