/* Interpreter: a small stack-based bytecode VM (switch dispatch, 16 opcodes, locals, jumps and
 * calls) running a program that sums, for i in 0..n, the Collatz step count of i and the i-th
 * Fibonacci number mod 2^32 computed by a called function. */
#include "common.h"

enum {
    PUSH, LOAD, STORE, ADD, SUB, MUL, AND, SHR, LT, EQ, JMP, JZ, CALL, RET, DUP, DROP, HALT,
};

/* Frames: locals live in a frame of 8 slots per call. */
#define STACK 256
#define FRAMES 64

static uint32_t interpret(const int32_t *code, uint32_t arg) {
    uint32_t stack[STACK];
    uint32_t locals[FRAMES * 8];
    uint32_t ret_pc[FRAMES];
    uint32_t sp = 0, fp = 0, pc = 0;
    locals[0] = arg;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
        case LOAD: stack[sp++] = locals[fp * 8 + code[pc++]]; break;
        case STORE: locals[fp * 8 + code[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = (uint32_t)code[pc]; break;
        case JZ: {
            uint32_t target = (uint32_t)code[pc++];
            if (stack[--sp] == 0) pc = target;
            break;
        }
        case CALL: {
            /* One argument moves from the stack to the callee's local 0. */
            uint32_t target = (uint32_t)code[pc++];
            if (fp + 1 >= FRAMES) return 0;
            ret_pc[++fp] = pc;
            locals[fp * 8] = stack[--sp];
            pc = target;
            break;
        }
        case RET:
            pc = ret_pc[fp--];
            break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case HALT: return stack[sp - 1];
        default: return 0;
        }
    }
}

/* The program, assembled at start with labels:
 * main(n):    acc = 0; i = 0; while i < n { acc += collatz(i + 1) + fib(i & 63); i += 1 }
 * collatz(x): steps = 0; while x != 1 { x = x & 1 ? 3x + 1 : x >> 1; steps += 1 }
 * fib(k):     a = 0; b = 1; while k != 0 { t = a + b; a = b; b = t; k -= 1 } */
static int32_t code[256];
static uint32_t at;
enum { L_LOOP, L_END, L_COLLATZ, L_CLOOP, L_CBODY, L_EVEN, L_STEP, L_FIB, L_FLOOP, L_FDONE, LABELS };
static uint32_t label_at[LABELS];
static uint32_t fixup_at[64], fixup_label[64], fixups;

static void op(int32_t o) { code[at++] = o; }
static void op1(int32_t o, int32_t x) { code[at++] = o; code[at++] = x; }
static void jump(int32_t o, uint32_t label) {
    code[at++] = o;
    fixup_at[fixups] = at;
    fixup_label[fixups++] = label;
    code[at++] = 0;
}
static void here(uint32_t label) { label_at[label] = at; }

static void assemble(void) {
    at = fixups = 0;
    /* main: local0 = n, local1 = acc, local2 = i */
    op1(PUSH, 0); op1(STORE, 1); op1(PUSH, 0); op1(STORE, 2);
    here(L_LOOP);
    op1(LOAD, 2); op1(LOAD, 0); op(LT); jump(JZ, L_END);
    op1(LOAD, 1); op1(LOAD, 2); op1(PUSH, 1); op(ADD); jump(CALL, L_COLLATZ); op(ADD);
    op1(LOAD, 2); op1(PUSH, 63); op(AND); jump(CALL, L_FIB); op(ADD); op1(STORE, 1);
    op1(LOAD, 2); op1(PUSH, 1); op(ADD); op1(STORE, 2); jump(JMP, L_LOOP);
    here(L_END);
    op1(LOAD, 1); op(HALT);
    /* collatz: local0 = x, local1 = steps */
    here(L_COLLATZ);
    op1(PUSH, 0); op1(STORE, 1);
    here(L_CLOOP);
    op1(LOAD, 0); op1(PUSH, 1); op(EQ); jump(JZ, L_CBODY);
    op1(LOAD, 1); op(RET);
    here(L_CBODY);
    op1(LOAD, 0); op1(PUSH, 1); op(AND); jump(JZ, L_EVEN);
    op1(LOAD, 0); op1(PUSH, 3); op(MUL); op1(PUSH, 1); op(ADD); op1(STORE, 0); jump(JMP, L_STEP);
    here(L_EVEN);
    op1(LOAD, 0); op1(PUSH, 1); op(SHR); op1(STORE, 0);
    here(L_STEP);
    op1(LOAD, 1); op1(PUSH, 1); op(ADD); op1(STORE, 1); jump(JMP, L_CLOOP);
    /* fib: local0 = k, local1 = a, local2 = b */
    here(L_FIB);
    op1(PUSH, 0); op1(STORE, 1); op1(PUSH, 1); op1(STORE, 2);
    here(L_FLOOP);
    op1(LOAD, 0); jump(JZ, L_FDONE);
    op1(LOAD, 1); op1(LOAD, 2); op(ADD); op1(LOAD, 2); op1(STORE, 1); op1(STORE, 2);
    op1(LOAD, 0); op1(PUSH, 1); op(SUB); op1(STORE, 0); jump(JMP, L_FLOOP);
    here(L_FDONE);
    op1(LOAD, 1); op(RET);
    for (uint32_t f = 0; f < fixups; f++) code[fixup_at[f]] = (int32_t)label_at[fixup_label[f]];
}

EXPORT uint32_t run(uint32_t n) {
    assemble();
    return interpret(code, n);
}
