function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000030Fh
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
  009a  jne       00000000000002BAh
  00a0  mov       r14,[r15]
  00a7  mov       r10,[r15+8]
  00ae  jmp       0000000000000031h
function 1 (defined 1):
  00c0  endbr64
  00c4  push      rbp
  00c5  mov       rbp,rsp
  00c8  lea       rax,[rsp-10h]
  00d0  cmp       rax,[r15+10h]
  00d7  jb        000000000000030Fh
  00dd  sub       rsp,10h
  00e4  sub       r13,15h
  00eb  js        0000000000000148h
  00f1  movss     xmm0,[rbp+10h]
  00fa  ucomiss   xmm0,xmm0
  00fe  jp        0000000000000305h
  0104  mov       r11d,0CF000001h
  010a  movd      xmm15,r11d
  010f  ucomiss   xmm0,xmm15
  0113  jbe       00000000000002FBh
  0119  mov       r11d,4F000000h
  011f  movd      xmm15,r11d
  0124  ucomiss   xmm0,xmm15
  0128  jae       00000000000002FBh
  012e  cvttss2si rbx,xmm0
  0133  mov       ebx,ebx
  0136  jmp       000000000000013Bh
  013b  mov       [rbp+10h],rbx
  0142  mov       rsp,rbp
  0145  pop       rbp
  0146  ret
  0147  int3
  0148  mov       [r15+20h],r13
  014f  mov       rdi,r15
  0152  mov       rsi,rsp
  0155  mov       rdx,r11
  0158  call      000000000000015Dh
  015d  mov       r13,[r15+20h]
  0164  test      eax,eax
  0166  jne       00000000000002BAh
  016c  mov       r14,[r15]
  0173  mov       r10,[r15+8]
  017a  jmp       00000000000000F1h
