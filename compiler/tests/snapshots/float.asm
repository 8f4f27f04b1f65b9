function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002FFh
  001d  sub       rsp,10h
  0024  sub       r13,16h
  002b  js        000000000000007Ch
  0031  movsd     xmm0,[rbp+18h]
  003a  movsd     xmm1,[rbp+10h]
  0043  ucomisd   xmm1,xmm0
  0048  jne       0000000000000068h
  004e  jp        000000000000005Eh
  0054  orpd      xmm1,xmm0
  0059  jmp       000000000000006Dh
  005e  addsd     xmm1,xmm0
  0063  jmp       000000000000006Dh
  0068  minsd     xmm1,xmm0
  006d  movsd     [rbp+10h],xmm1
  0076  mov       rsp,rbp
  0079  pop       rbp
  007a  ret
  007b  int3
  007c  mov       [r15+20h],r13
  0083  mov       rdi,r15
  0086  mov       rsi,rsp
  0089  mov       rdx,r11
  008c  call      0000000000000091h
  0091  mov       r13,[r15+20h]
  0098  test      eax,eax
  009a  jne       00000000000002AAh
  00a0  mov       r14,[r15]
  00a7  jmp       0000000000000031h
function 1 (defined 1):
  00b0  endbr64
  00b4  push      rbp
  00b5  mov       rbp,rsp
  00b8  lea       rax,[rsp-10h]
  00c0  cmp       rax,[r15+10h]
  00c7  jb        00000000000002FFh
  00cd  sub       rsp,10h
  00d4  sub       r13,15h
  00db  js        0000000000000138h
  00e1  movss     xmm0,[rbp+10h]
  00ea  ucomiss   xmm0,xmm0
  00ee  jp        00000000000002F5h
  00f4  mov       r11d,0CF000001h
  00fa  movd      xmm15,r11d
  00ff  ucomiss   xmm0,xmm15
  0103  jbe       00000000000002EBh
  0109  mov       r11d,4F000000h
  010f  movd      xmm15,r11d
  0114  ucomiss   xmm0,xmm15
  0118  jae       00000000000002EBh
  011e  cvttss2si rbx,xmm0
  0123  mov       ebx,ebx
  0126  jmp       000000000000012Bh
  012b  mov       [rbp+10h],rbx
  0132  mov       rsp,rbp
  0135  pop       rbp
  0136  ret
  0137  int3
  0138  mov       [r15+20h],r13
  013f  mov       rdi,r15
  0142  mov       rsi,rsp
  0145  mov       rdx,r11
  0148  call      000000000000014Dh
  014d  mov       r13,[r15+20h]
  0154  test      eax,eax
  0156  jne       00000000000002AAh
  015c  mov       r14,[r15]
  0163  jmp       00000000000000E1h
