//! `kwasm link`: attach, list, show, detach, update, pin, unpin.

use super::output::{infos, print_json, traps_text};
use super::refs::{open_link, open_prog, ObjRef};
use super::Result;
use clap::{Args, Subcommand, ValueEnum};
use kwasm::{Family, Hook, Link, LinkInfo, Netfilter, Verdict};

#[derive(Subcommand, Debug)]
pub enum LinkCommand {
    /// Attach a program to a hook (it stays attached after kwasm exits only if pinned)
    #[command(subcommand)]
    Attach(AttachCommand),
    /// List the links
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one link: ID or pin:NAME
    Show {
        link: ObjRef,
        #[arg(long)]
        json: bool,
    },
    /// Detach a link's program now (its fds and pins remain, detached)
    Detach { link: ObjRef },
    /// Replace a link's program atomically
    Update {
        link: ObjRef,
        /// The new program: ID, pin:NAME or NAME
        #[arg(long)]
        prog: ObjRef,
    },
    /// Pin a link under a name
    Pin { link: ObjRef, name: String },
    /// Remove a pin (an unpinned link with no fd detaches)
    Unpin { name: String },
}

#[derive(Subcommand, Debug)]
pub enum AttachCommand {
    /// A netfilter hook, in kwasm's network namespace
    Netfilter(NetfilterArgs),
}

#[derive(Args, Debug)]
pub struct NetfilterArgs {
    /// The program: ID, pin:NAME or NAME
    #[arg(long)]
    pub prog: ObjRef,
    #[arg(long, value_enum, default_value = "ipv4")]
    pub family: FamilyArg,
    #[arg(long, value_enum)]
    pub hook: HookArg,
    /// Lower runs first (as nf_hook_ops.priority)
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub priority: i32,
    /// Verdict when the program traps, runs out of fuel or gives no verdict
    #[arg(long = "default", value_enum, default_value = "accept")]
    pub default_verdict: VerdictArg,
    /// Fuel per run (default: the program's)
    #[arg(long)]
    pub fuel: Option<u64>,
    /// Pin the link under this name, so that it stays attached
    #[arg(long)]
    pub pin: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FamilyArg {
    Ipv4,
    Ipv6,
}

impl From<FamilyArg> for Family {
    fn from(f: FamilyArg) -> Self {
        match f {
            FamilyArg::Ipv4 => Family::Ipv4,
            FamilyArg::Ipv6 => Family::Ipv6,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HookArg {
    #[value(name = "pre_routing", alias = "pre-routing", alias = "prerouting")]
    PreRouting,
    #[value(name = "local_in", alias = "local-in", alias = "input")]
    LocalIn,
    #[value(name = "forward")]
    Forward,
    #[value(name = "local_out", alias = "local-out", alias = "output")]
    LocalOut,
    #[value(name = "post_routing", alias = "post-routing", alias = "postrouting")]
    PostRouting,
}

impl From<HookArg> for Hook {
    fn from(h: HookArg) -> Self {
        match h {
            HookArg::PreRouting => Hook::PreRouting,
            HookArg::LocalIn => Hook::LocalIn,
            HookArg::Forward => Hook::Forward,
            HookArg::LocalOut => Hook::LocalOut,
            HookArg::PostRouting => Hook::PostRouting,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VerdictArg {
    Accept,
    Drop,
}

impl From<VerdictArg> for Verdict {
    fn from(v: VerdictArg) -> Self {
        match v {
            VerdictArg::Accept => Verdict::Accept,
            VerdictArg::Drop => Verdict::Drop,
        }
    }
}

pub fn run(cmd: LinkCommand) -> Result<()> {
    match cmd {
        LinkCommand::Attach(AttachCommand::Netfilter(args)) => attach(&args),
        LinkCommand::List { json } => list(json),
        LinkCommand::Show { link, json } => show(&open_link(&link)?.info()?, json),
        LinkCommand::Detach { link } => Ok(open_link(&link)?.detach()?),
        LinkCommand::Update { link, prog } => Ok(open_link(&link)?.update(&open_prog(&prog)?)?),
        LinkCommand::Pin { link, name } => Ok(open_link(&link)?.pin(&name)?),
        LinkCommand::Unpin { name } => Ok(kwasm::pin::unpin(&name)?),
    }
}

fn attach(args: &NetfilterArgs) -> Result<()> {
    let prog = open_prog(&args.prog)?;
    let link = prog.attach(Netfilter {
        family: args.family.into(),
        hook: args.hook.into(),
        priority: args.priority,
        default_verdict: args.default_verdict.into(),
        fuel: args.fuel.unwrap_or(0),
    })?;
    if let Some(pin) = &args.pin {
        link.pin(pin)?;
    }
    let info = link.info()?;
    if args.json {
        return print_json(&info);
    }
    match &args.pin {
        Some(pin) => println!("attached as link {} (pin:{pin})", info.id),
        None => println!(
            "attached as link {} (not pinned: it detaches as kwasm exits)",
            info.id
        ),
    }
    Ok(())
}

fn list(json: bool) -> Result<()> {
    let all = infos(Link::ids(), |id| Link::from_id(id)?.info())?;
    if json {
        return print_json(&all);
    }
    for info in &all {
        println!("{}", summary(info));
    }
    Ok(())
}

/// One line per link.
fn summary(i: &LinkInfo) -> String {
    format!(
        "{}: {}  prog {}  {} {} priority {}  {}",
        i.id,
        i.link_type,
        i.prog_id,
        i.family.map_or("unknown", Family::name),
        i.hook.map_or("unknown", Hook::name),
        i.priority,
        if i.attached { "attached" } else { "detached" },
    )
}

fn show(i: &LinkInfo, json: bool) -> Result<()> {
    if json {
        return print_json(i);
    }
    println!("{}", summary(i));
    println!("\tdefault {}  fuel {}", i.default_verdict.name(), i.fuel);
    println!(
        "\truns {}  accepted {}  dropped {}  bad_verdicts {}  skipped {}",
        i.runs, i.accepted, i.dropped, i.bad_verdicts, i.skipped
    );
    println!("\ttraps {}", traps_text(&i.traps));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> LinkCommand {
        match Cli::try_parse_from(args).unwrap().command {
            Command::Link(cmd) => cmd,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn attach_netfilter() {
        let LinkCommand::Attach(AttachCommand::Netfilter(a)) = parse(&[
            "kwasm",
            "link",
            "attach",
            "netfilter",
            "--prog",
            "pin:fw/prog",
            "--family",
            "ipv6",
            "--hook",
            "local_in",
            "--priority",
            "-10",
            "--default",
            "drop",
            "--pin",
            "fw/link",
        ]) else {
            panic!()
        };
        assert_eq!(a.prog, ObjRef::Pin("fw/prog".into()));
        assert_eq!((a.family, a.hook), (FamilyArg::Ipv6, HookArg::LocalIn));
        assert_eq!((a.priority, a.default_verdict), (-10, VerdictArg::Drop));
        assert_eq!(a.pin.as_deref(), Some("fw/link"));
        // --hook is required; --family defaults to ipv4; hooks have aliases.
        let base = ["kwasm", "link", "attach", "netfilter", "--prog", "3"];
        assert!(Cli::try_parse_from(base).is_err());
        let LinkCommand::Attach(AttachCommand::Netfilter(a)) =
            parse(&[&base[..], &["--hook", "pre-routing"]].concat())
        else {
            panic!()
        };
        assert_eq!((a.family, a.hook), (FamilyArg::Ipv4, HookArg::PreRouting));
        assert_eq!(a.default_verdict, VerdictArg::Accept);
    }

    #[test]
    fn the_other_link_commands() {
        assert!(matches!(
            parse(&["kwasm", "link", "update", "pin:l", "--prog", "9"]),
            LinkCommand::Update {
                prog: ObjRef::Id(9),
                ..
            }
        ));
        assert!(matches!(
            parse(&["kwasm", "link", "detach", "4"]),
            LinkCommand::Detach {
                link: ObjRef::Id(4)
            }
        ));
        assert!(matches!(
            parse(&["kwasm", "link", "list", "--json"]),
            LinkCommand::List { json: true }
        ));
        assert!(Cli::try_parse_from(["kwasm", "link", "update", "4"]).is_err());
    }

    #[test]
    fn summary_line() {
        let info = LinkInfo {
            id: 2,
            link_type: "netfilter",
            prog_id: 7,
            family: Some(Family::Ipv4),
            hook: Some(Hook::LocalIn),
            priority: -5,
            default_verdict: Verdict::Accept,
            attached: true,
            fuel: 0,
            runs: 0,
            accepted: 0,
            dropped: 0,
            traps: vec![0; 12],
            bad_verdicts: 0,
            skipped: 0,
        };
        assert_eq!(
            summary(&info),
            "2: netfilter  prog 7  ipv4 local_in priority -5  attached"
        );
    }
}
