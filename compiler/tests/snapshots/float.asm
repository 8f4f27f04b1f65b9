function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000278h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],4
  002c  js        0000000000000282h
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
function 1 (defined 1):
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        0000000000000278h
  009d  sub       rsp,10h
  00a4  sub       qword ptr [r15+20h],3
  00ac  js        0000000000000282h
  00b2  movss     xmm0,[rbp+10h]
  00bb  ucomiss   xmm0,xmm0
  00bf  jp        000000000000026Eh
  00c5  mov       r11d,0CF000001h
  00cb  movd      xmm15,r11d
  00d0  ucomiss   xmm0,xmm15
  00d4  jbe       0000000000000264h
  00da  mov       r11d,4F000000h
  00e0  movd      xmm15,r11d
  00e5  ucomiss   xmm0,xmm15
  00e9  jae       0000000000000264h
  00ef  cvttss2si rbx,xmm0
  00f4  mov       ebx,ebx
  00f7  jmp       00000000000000FCh
  00fc  mov       [rbp+10h],rbx
  0103  mov       rsp,rbp
  0106  pop       rbp
  0107  ret
  0108  int3
