//! The `simulate` and `schema` commands (the `msg` command lives in `msg.rs`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use owo_colors::{OwoColorize, Style};
use serde::Serialize;

use crate::dashboard::Snapshot;
use crate::scenario::{load, FileError};
use crate::sim::{Failure, Sim, SimError, StepEvent, StepRecord};
use crate::units::{count, fmt_duration};

/// Exit codes: 0 passed, 1 the scenario failed, 2 the file (or the command) is wrong.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_INVALID: u8 = 2;

#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// The scenario file (YAML; JSON is read too)
    pub file: PathBuf,
    /// Print the dashboard only at the end (one line per step before it)
    #[arg(long)]
    pub summary: bool,
    /// Print the dashboard after every step that can change the chain (default: only when
    /// what it shows changed)
    #[arg(long, short, conflicts_with = "summary")]
    pub verbose: bool,
    /// Print machine-readable results (final state and per-step results) instead of tables
    #[arg(long)]
    pub json: bool,
    /// List every staker in the dashboard (default: the first 10 with stake)
    #[arg(long)]
    pub all_stakers: bool,
    /// No colours (also when NO_COLOR is set or stdout is not a terminal)
    #[arg(long)]
    pub no_color: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SchemaArgs {
    /// Folder to write into (`restake-hub.json` and `raw/*.json`)
    #[arg(long, default_value = "schema")]
    pub out: PathBuf,
    /// Write the interface reference as Markdown to this file instead (docs/interface.md:
    /// every message, query and type with its doc comments and fields)
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

struct Paint(bool);

impl Paint {
    fn s(&self, text: &str, style: Style) -> String {
        if self.0 {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }
}

/// The JSON printed by `--json`.
#[derive(Serialize)]
struct JsonReport<'a> {
    file: String,
    name: Option<String>,
    ok: bool,
    steps: &'a [StepRecord],
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsonFileError>,
    #[serde(rename = "final", skip_serializing_if = "Option::is_none")]
    final_state: Option<Snapshot>,
}

#[derive(Serialize)]
struct JsonFileError {
    file: String,
    line: u64,
    column: u64,
    message: String,
}

impl From<&FileError> for JsonFileError {
    fn from(e: &FileError) -> Self {
        JsonFileError {
            file: e.file.clone(),
            line: e.loc.line,
            column: e.loc.col,
            message: e.message.clone(),
        }
    }
}

fn step_line(p: &Paint, rec: &StepRecord, ok: bool) -> String {
    let mark = if ok {
        p.s("✓", Style::new().green().bold())
    } else {
        p.s("✗", Style::new().red().bold())
    };
    let head = format!(
        "{:>5} {:>5} {:>8}",
        format!("#{}", rec.step),
        format!("L{}", rec.line),
        format!("+{}", fmt_duration(rec.time))
    );
    let mut line = format!(
        "{} {} {} {}",
        p.s(&head, Style::new().dimmed()),
        mark,
        p.s(&format!("{:<18}", rec.action), Style::new().bold()),
        rec.description
    );
    if rec.action == "expect" {
        let n = count(rec.checks as u128, "check");
        line.push_str(&p.s(&format!("  ({n})"), Style::new().dimmed()));
    }
    if let Some(e) = &rec.error {
        line.push_str(&format!(
            "\n{:>22}{} {}",
            "",
            p.s("refused as expected:", Style::new().yellow()),
            e
        ));
    }
    if let Some(n) = &rec.invariants_note {
        line.push_str(&format!(
            "\n{:>22}{}",
            "",
            p.s(&format!("invariants: {n}"), Style::new().yellow())
        ));
    }
    if let Some(n) = &rec.note {
        if rec.action != "note" {
            line.push_str(&format!(
                "\n{:>22}{}",
                "",
                p.s(&format!("» {n}"), Style::new().cyan())
            ));
        }
    }
    line
}

/// Runs `restake simulate`. Writes results to `out`, problems to `err`; returns the exit
/// code.
pub fn simulate(args: &SimulateArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let color = !args.no_color
        && !args.json
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let p = Paint(color);
    let ep = Paint(
        !args.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    );
    let path = args.file.to_string_lossy().to_string();
    let invalid = |e: &FileError, out: &mut dyn Write, err: &mut dyn Write| -> u8 {
        if args.json {
            let r = JsonReport {
                file: path.clone(),
                name: None,
                ok: false,
                steps: &[],
                failure: None,
                error: Some(e.into()),
                final_state: None,
            };
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&r).unwrap_or_default()
            );
        }
        let _ = writeln!(err, "{} {e}", ep.s("error:", Style::new().red().bold()));
        EXIT_INVALID
    };
    let (src, sc) = match load(&path) {
        Ok(x) => x,
        Err(e) => return invalid(&e, out, err),
    };
    let mut sim = match Sim::new(&src, &sc) {
        Ok(s) => s,
        Err(e) => return invalid(&e, out, err),
    };
    let total = sim.count_steps();
    let max_rows = if args.all_stakers { usize::MAX } else { 10 };
    if !args.json {
        let title = sc.name.clone().unwrap_or_else(|| path.clone());
        let _ = writeln!(
            out,
            "{}",
            p.s(&format!("━━ {title} ━━"), Style::new().bold())
        );
        if let Some(d) = &sc.description {
            for l in d.trim().lines() {
                let _ = writeln!(out, "   {l}");
            }
        }
        let _ = writeln!(
            out,
            "{}",
            p.s(
                &format!(
                    "   {path} · {} · {} · {} · {} · bonded denom {}",
                    count(total.into(), "step"),
                    count(sim.names.validators.len() as u128, "validator"),
                    count(sim.names.stakers.len() as u128, "staker"),
                    count(sim.names.services.len() as u128, "service"),
                    sim.names.denom
                ),
                Style::new().dimmed()
            )
        );
        let _ = writeln!(out);
    }
    let pb = if total >= 20 && std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} steps · {msg}")
        {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    } else {
        ProgressBar::hidden()
    };
    let json = args.json;
    let summary = args.summary;
    let verbose = args.verbose;
    // The last dashboard printed: a step whose dashboard reads the same prints none.
    let mut shown = String::new();
    let mut on_step = |sim: &Sim, ev: StepEvent| {
        let rec = match ev {
            StepEvent::Start { line, action } => {
                pb.set_message(format!("line {line}: {action}"));
                return;
            }
            StepEvent::Done(rec) => rec,
        };
        pb.inc(1);
        if json {
            return;
        }
        let asked = rec.action == "dashboard";
        let may_change = !summary && rec.changes_state && rec.error.is_none();
        let dash = if asked || may_change {
            let d = Snapshot::take(sim).render(max_rows);
            (asked || verbose || d != shown).then_some(d)
        } else {
            None
        };
        let text = match dash {
            Some(d) => {
                let text = format!("{}\n{d}", step_line(&p, rec, true));
                shown = d;
                text
            }
            None => step_line(&p, rec, true),
        };
        pb.suspend(|| {
            let _ = writeln!(out, "{text}");
        });
    };
    let result = sim.run(&mut on_step);
    pb.finish_and_clear();
    let snapshot = Snapshot::take(&sim);
    let checks: usize = sim.records.iter().map(|r| r.checks).sum();
    match result {
        Ok(()) => {
            if json {
                let r = JsonReport {
                    file: path.clone(),
                    name: sc.name.clone(),
                    ok: true,
                    steps: &sim.records,
                    failure: None,
                    error: None,
                    final_state: Some(snapshot),
                };
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&r).unwrap_or_default()
                );
            } else {
                if summary {
                    let _ = writeln!(out, "\n{}", p.s("final state", Style::new().bold()));
                    let _ = write!(out, "{}", snapshot.render(max_rows));
                }
                let _ = writeln!(
                    out,
                    "\n{} {} passed, {} met, invariants held after every step ({path}, t+{})",
                    p.s("✓", Style::new().green().bold()),
                    count(sim.records.len() as u128, "step"),
                    count(checks as u128, "expectation"),
                    fmt_duration(sim.elapsed())
                );
            }
            0
        }
        Err(SimError::Invalid(e)) => invalid(&e, out, err),
        Err(SimError::Failed(f)) => {
            if json {
                let r = JsonReport {
                    file: path.clone(),
                    name: sc.name.clone(),
                    ok: false,
                    steps: &sim.records,
                    failure: Some((*f).clone()),
                    error: None,
                    final_state: Some(snapshot),
                };
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&r).unwrap_or_default()
                );
            } else {
                let _ = writeln!(
                    out,
                    "\n{}",
                    p.s("state when the scenario stopped:", Style::new().bold())
                );
                let _ = write!(out, "{}", snapshot.render(max_rows));
            }
            let _ = writeln!(err, "{} {f}", ep.s("✗ FAILED", Style::new().red().bold()));
            EXIT_FAILED
        }
    }
}

/// Runs `restake schema`.
pub fn schema(args: &SchemaArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(path) = &args.markdown {
        let api: serde_json::Value = serde_json::from_str(
            &crate::schema::api()
                .render()
                .to_string()
                .map_err(|e| anyhow::anyhow!("render the API: {e}"))?,
        )?;
        std::fs::write(path, crate::interface::markdown(&api))
            .map_err(|e| anyhow::anyhow!("write {}: {e}", path.display()))?;
        writeln!(out, "wrote {}", path.display())?;
        return Ok(());
    }
    for p in crate::schema::write(&args.out)? {
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(())
}
