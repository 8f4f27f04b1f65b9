function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000278h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        0000000000000282h
  0035  movsd     xmm0,[rbp+18h]
  003e  movsd     xmm1,[rbp+10h]
  0047  ucomisd   xmm1,xmm0
  004c  jne       000000000000006Ch
  0052  jp        0000000000000062h
  0058  orpd      xmm1,xmm0
  005d  jmp       0000000000000071h
  0062  addsd     xmm1,xmm0
  0067  jmp       0000000000000071h
  006c  minsd     xmm1,xmm0
  0071  movsd     [rbp+10h],xmm1
  007a  mov       rsp,rbp
  007d  pop       rbp
  007e  ret
  007f  int3
function 1 (defined 1):
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        0000000000000278h
  009d  sub       rsp,10h
  00a4  sub       qword ptr [r15+20h],1
  00af  js        0000000000000282h
  00b5  movss     xmm0,[rbp+10h]
  00be  ucomiss   xmm0,xmm0
  00c2  jp        000000000000026Eh
  00c8  mov       r11d,0CF000001h
  00ce  movd      xmm15,r11d
  00d3  ucomiss   xmm0,xmm15
  00d7  jbe       0000000000000264h
  00dd  mov       r11d,4F000000h
  00e3  movd      xmm15,r11d
  00e8  ucomiss   xmm0,xmm15
  00ec  jae       0000000000000264h
  00f2  cvttss2si rbx,xmm0
  00f7  mov       ebx,ebx
  00fa  jmp       00000000000000FFh
  00ff  mov       [rbp+10h],rbx
  0106  mov       rsp,rbp
  0109  pop       rbp
  010a  ret
  010b  int3
