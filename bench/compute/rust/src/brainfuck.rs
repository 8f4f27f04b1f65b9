//! An interpreter: Brainfuck with the usual optimisations (runs of `+ - < >` folded, `[-]`
//! as a clear, jumps resolved ahead), running a program that prints the squares from 0 to 10000
//! (Daniel B. Cristofani's), `n` times; the result mixes the output bytes.

use alloc::vec;
use alloc::vec::Vec;

/// Outputs square numbers from 0 to 10000 (Daniel B. Cristofani, public domain).
const SQUARES: &[u8] = b"++++[>+++++<-]>[<+++++>-]+<+[>[>+>+<<-]++>>[<<+>>-]>>>[-]++>[-]+
>>>+[[-]++++++>>>]<<<[[<++++++++<++>>-]+<.<[>----<-]<]
<<[>>>>>[>>>[-]+++++++++<[>-<-]+++++++++>[-[<->-]+[<<<]]<[>+<-]>]<<-]<<-]";

#[derive(Clone, Copy)]
enum Op {
    Add(u8),
    Move(isize),
    Clear,
    Out,
    In,
    /// Jump to the index after the matching `Close` if the cell is 0.
    Open(usize),
    /// Jump to the index after the matching `Open` if the cell is not 0.
    Close(usize),
}

fn parse(src: &[u8]) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::with_capacity(src.len());
    let mut open = Vec::with_capacity(64);
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        match c {
            b'+' | b'-' => {
                let mut d = 0u8;
                while i < src.len() && (src[i] == b'+' || src[i] == b'-') {
                    d = if src[i] == b'+' {
                        d.wrapping_add(1)
                    } else {
                        d.wrapping_sub(1)
                    };
                    i += 1;
                }
                ops.push(Op::Add(d));
                continue;
            }
            b'<' | b'>' => {
                let mut d = 0isize;
                while i < src.len() && (src[i] == b'<' || src[i] == b'>') {
                    d += if src[i] == b'>' { 1 } else { -1 };
                    i += 1;
                }
                ops.push(Op::Move(d));
                continue;
            }
            b'[' if src[i..].starts_with(b"[-]") => {
                ops.push(Op::Clear);
                i += 3;
                continue;
            }
            b'[' => {
                open.push(ops.len());
                ops.push(Op::Open(0));
            }
            b']' => {
                let at = open.pop().expect("balanced brackets");
                ops[at] = Op::Open(ops.len() + 1);
                ops.push(Op::Close(at + 1));
            }
            b'.' => ops.push(Op::Out),
            b',' => ops.push(Op::In),
            _ => {}
        }
        i += 1;
    }
    ops
}

fn execute(ops: &[Op], tape: &mut [u8], h: &mut u32) -> u32 {
    tape.fill(0);
    let mut at = 0usize;
    let mut pc = 0;
    let mut out = 0u32;
    while pc < ops.len() {
        match ops[pc] {
            Op::Add(d) => tape[at] = tape[at].wrapping_add(d),
            Op::Move(d) => at = at.wrapping_add_signed(d),
            Op::Clear => tape[at] = 0,
            Op::Out => {
                *h = crate::mix(*h, u32::from(tape[at]));
                out += 1;
            }
            Op::In => tape[at] = 0,
            Op::Open(after) => {
                if tape[at] == 0 {
                    pc = after;
                    continue;
                }
            }
            Op::Close(after) => {
                if tape[at] != 0 {
                    pc = after;
                    continue;
                }
            }
        }
        pc += 1;
    }
    out
}

pub fn run(n: u32) -> u32 {
    let ops = parse(SQUARES);
    let mut tape = vec![0u8; 65536];
    let mut h = 2_166_136_261u32;
    let mut bytes = 0u32;
    for _ in 0..n {
        bytes += execute(&ops, &mut tape, &mut h);
    }
    crate::mix(h, bytes)
}
