//! Wasm arguments and results on the command line: `5`, `-3`, `1.5` or typed `i32:5`,
//! `i64:-1`, `f32:1.5`, `f64:2`; bare ones take the parameter's type when it is known.
//! Results print as `42:i64`, `2.5:f64` (raw slots as plain numbers when their types are not
//! known).

use kwasm::executor::Value;
use kwasm::hooks::artifact::{VAL_F32, VAL_F64, VAL_I32, VAL_I64};

/// The name of a value type code.
pub fn type_name(code: u8) -> &'static str {
    match code {
        VAL_I32 => "i32",
        VAL_I64 => "i64",
        VAL_F32 => "f32",
        VAL_F64 => "f64",
        _ => "?",
    }
}

/// A value type by name (for `--results i32,f64`).
pub fn parse_type(name: &str) -> Result<u8, String> {
    match name {
        "i32" => Ok(VAL_I32),
        "i64" => Ok(VAL_I64),
        "f32" => Ok(VAL_F32),
        "f64" => Ok(VAL_F64),
        _ => Err(format!(
            "unknown value type {name:?} (i32, i64, f32 or f64)"
        )),
    }
}

/// Parses arguments against the export's parameter types, if known.
pub fn parse_args(args: &[String], params: Option<&[u8]>) -> Result<Vec<Value>, String> {
    if let Some(params) = params {
        if params.len() != args.len() {
            return Err(format!(
                "the export takes {} argument(s), {} given",
                params.len(),
                args.len()
            ));
        }
    }
    args.iter()
        .enumerate()
        .map(|(k, a)| {
            parse_arg(a, params.map(|p| p[k])).map_err(|e| format!("argument {}: {e}", k + 1))
        })
        .collect()
}

/// Parses one argument for a parameter of type `ty` (`None`: not known).
pub fn parse_arg(s: &str, ty: Option<u8>) -> Result<Value, String> {
    let typed = matches!(s.split_once(':'), Some((t, _)) if parse_type(t).is_ok());
    let value = if typed {
        Value::parse(s).ok_or_else(|| format!("bad value {s:?}"))?
    } else {
        match ty {
            Some(ty) => {
                parse_as(s, ty).ok_or_else(|| format!("{s:?} is not an {}", type_name(ty)))?
            }
            None => Value::parse(s)
                .or_else(|| s.parse::<f64>().ok().map(|f| Value::F64(f.to_bits())))
                .ok_or_else(|| format!("bad value {s:?}"))?,
        }
    };
    match ty {
        Some(ty) if value.type_code() != ty => Err(format!(
            "{} given, the parameter is {}",
            type_name(value.type_code()),
            type_name(ty)
        )),
        _ => Ok(value),
    }
}

/// A bare number as type `ty`: integers in the signed or unsigned range of its width.
fn parse_as(s: &str, ty: u8) -> Option<Value> {
    Value::parse(&format!("{}:{s}", type_name(ty)))
}

/// Results as `v:type` when their types are known, else as raw slot numbers.
pub fn format_results(slots: &[u64], types: Option<&[u8]>) -> String {
    let shown: Vec<String> = match types {
        Some(types) => slots
            .iter()
            .zip(types)
            .map(|(&s, &t)| Value::from_slot(t, s).to_string())
            .collect(),
        None => slots.iter().map(u64::to_string).collect(),
    };
    shown.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bare_arguments_take_the_parameter_type() {
        let v = parse_args(
            &args(&["3", "1.5", "-1", "4000000000"]),
            Some(&[VAL_F64, VAL_F32, VAL_I64, VAL_I32]),
        )
        .unwrap();
        assert_eq!(
            v,
            [
                Value::F64(3f64.to_bits()),
                Value::F32(1.5f32.to_bits()),
                Value::I64(-1),
                Value::I32(4_000_000_000u32 as i32),
            ]
        );
    }

    #[test]
    fn typed_arguments_must_match_and_count() {
        assert_eq!(
            parse_args(&args(&["i64:-3", "5"]), None).unwrap(),
            [Value::I64(-3), Value::I32(5)]
        );
        assert_eq!(
            parse_arg("2.5", None).unwrap(),
            Value::F64(2.5f64.to_bits())
        );
        let err = parse_args(&args(&["i32:1"]), Some(&[VAL_F64])).unwrap_err();
        assert!(err.contains("i32 given, the parameter is f64"), "{err}");
        let err = parse_args(&args(&["1"]), Some(&[VAL_I32, VAL_I32])).unwrap_err();
        assert!(err.contains("takes 2 argument(s), 1 given"), "{err}");
        assert!(parse_arg("x", Some(VAL_I32)).is_err());
        assert!(parse_arg("1.5", Some(VAL_I32)).is_err());
        assert!(parse_type("v128").is_err());
    }

    #[test]
    fn results_are_typed_when_known() {
        let slots = [2.5f64.to_bits(), u64::from(-7i32 as u32)];
        assert_eq!(
            format_results(&slots, Some(&[VAL_F64, VAL_I32])),
            "2.5:f64 -7:i32"
        );
        assert_eq!(format_results(&[42], None), "42");
    }
}
