function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000031Fh
  001d  sub       rsp,10h
  0024  sub       r13,19h
  002b  js        0000000000000083h
  0031  mov       ebx,[rbp+10h]
  0038  lea       r11,[rbx*8+408h]
  0040  cmp       r10,r11
  0043  jb        0000000000000062h
  0049  cmovb     r11,r10
  004d  mov       rbx,[r14+r11-8]
  0055  mov       [rbp+10h],rbx
  005c  mov       rsp,rbp
  005f  pop       rbp
  0060  ret
  0061  int3
  0062  lea       r11d,[rbx*8+400h]
  006a  add       r11,8
  0071  cmp       r10,r11
  0074  jb        00000000000002D9h
  007a  cmovb     r11,r10
  007e  jmp       000000000000004Dh
  0083  mov       [r15+20h],r13
  008a  mov       rdi,r15
  008d  mov       rsi,rsp
  0090  mov       rdx,r11
  0093  call      0000000000000098h
  0098  mov       r13,[r15+20h]
  009f  test      eax,eax
  00a1  jne       00000000000002CAh
  00a7  mov       r14,[r15]
  00ae  mov       r10,[r15+8]
  00b5  jmp       0000000000000031h
function 1 (defined 1):
  00c0  endbr64
  00c4  push      rbp
  00c5  mov       rbp,rsp
  00c8  lea       rax,[rsp-10h]
  00d0  cmp       rax,[r15+10h]
  00d7  jb        000000000000031Fh
  00dd  sub       rsp,10h
  00e4  sub       r13,19h
  00eb  js        000000000000014Ah
  00f1  mov       ebx,[rbp+10h]
  00f8  mov       esi,[rbp+18h]
  00ff  lea       r11,[rsi+rbx*4+4]
  0107  cmp       r10,r11
  010a  jb        0000000000000129h
  0110  cmovb     r11,r10
  0114  mov       ebx,[r14+r11-4]
  011c  mov       [rbp+10h],rbx
  0123  mov       rsp,rbp
  0126  pop       rbp
  0127  ret
  0128  int3
  0129  lea       r11d,[rsi+rbx*4]
  0131  add       r11,4
  0138  cmp       r10,r11
  013b  jb        00000000000002D9h
  0141  cmovb     r11,r10
  0145  jmp       0000000000000114h
  014a  mov       [r15+20h],r13
  0151  mov       rdi,r15
  0154  mov       rsi,rsp
  0157  mov       rdx,r11
  015a  call      000000000000015Fh
  015f  mov       r13,[r15+20h]
  0166  test      eax,eax
  0168  jne       00000000000002CAh
  016e  mov       r14,[r15]
  0175  mov       r10,[r15+8]
  017c  jmp       00000000000000F1h
