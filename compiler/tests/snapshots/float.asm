function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002B8h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],16h
  002c  js        000000000000007Dh
  0032  movsd     xmm0,[rbp+18h]
  003b  movsd     xmm1,[rbp+10h]
  0044  ucomisd   xmm1,xmm0
  0049  jne       0000000000000069h
  004f  jp        000000000000005Fh
  0055  orpd      xmm1,xmm0
  005a  jmp       000000000000006Eh
  005f  addsd     xmm1,xmm0
  0064  jmp       000000000000006Eh
  0069  minsd     xmm1,xmm0
  006e  movsd     [rbp+10h],xmm1
  0077  mov       rsp,rbp
  007a  pop       rbp
  007b  ret
  007c  int3
  007d  mov       rdi,r15
  0080  mov       rsi,rsp
  0083  mov       rdx,r11
  0086  call      000000000000008Bh
  008b  test      eax,eax
  008d  jne       0000000000000263h
  0093  mov       r14,[r15]
  009a  jmp       0000000000000032h
function 1 (defined 1):
  00a0  endbr64
  00a4  push      rbp
  00a5  mov       rbp,rsp
  00a8  lea       rax,[rsp-10h]
  00b0  cmp       rax,[r15+10h]
  00b7  jb        00000000000002B8h
  00bd  sub       rsp,10h
  00c4  sub       qword ptr [r15+20h],15h
  00cc  js        0000000000000129h
  00d2  movss     xmm0,[rbp+10h]
  00db  ucomiss   xmm0,xmm0
  00df  jp        00000000000002AEh
  00e5  mov       r11d,0CF000001h
  00eb  movd      xmm15,r11d
  00f0  ucomiss   xmm0,xmm15
  00f4  jbe       00000000000002A4h
  00fa  mov       r11d,4F000000h
  0100  movd      xmm15,r11d
  0105  ucomiss   xmm0,xmm15
  0109  jae       00000000000002A4h
  010f  cvttss2si rbx,xmm0
  0114  mov       ebx,ebx
  0117  jmp       000000000000011Ch
  011c  mov       [rbp+10h],rbx
  0123  mov       rsp,rbp
  0126  pop       rbp
  0127  ret
  0128  int3
  0129  mov       rdi,r15
  012c  mov       rsi,rsp
  012f  mov       rdx,r11
  0132  call      0000000000000137h
  0137  test      eax,eax
  0139  jne       0000000000000263h
  013f  mov       r14,[r15]
  0146  jmp       00000000000000D2h
