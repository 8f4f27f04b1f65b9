//! `kwasm pin`: list and remove pins of any kind.

use super::output::print_json;
use super::Result;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum PinCommand {
    /// List the pins: name, kind and id of what each holds
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a pin (the object goes once nothing else refers to it)
    Unpin { name: String },
}

pub fn run(cmd: PinCommand) -> Result<()> {
    match cmd {
        PinCommand::List { json } => {
            let pins = kwasm::pin::list()?;
            if json {
                return print_json(&pins);
            }
            for pin in &pins {
                println!("{pin}");
            }
            Ok(())
        }
        PinCommand::Unpin { name } => Ok(kwasm::pin::unpin(&name)?),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command};
    use super::*;
    use clap::Parser;
    use kwasm::pin::{ObjectKind, PinInfo};

    #[test]
    fn parses_and_lists_as_json() {
        let cli = Cli::try_parse_from(["kwasm", "pin", "list", "--json"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Pin(PinCommand::List { json: true })
        ));
        let pin = PinInfo {
            name: "fw/link".into(),
            kind: ObjectKind::Link,
            id: 3,
        };
        assert_eq!(
            serde_json::to_value([&pin]).unwrap(),
            serde_json::json!([{"name": "fw/link", "kind": "link", "id": 3}])
        );
        assert_eq!(pin.to_string(), "fw/link: link 3");
    }
}
