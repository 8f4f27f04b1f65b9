function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000298h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        00000000000002A2h
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
  0071  movsd     [rbp-8],xmm1
  007a  mov       r11,[rbp-8]
  0081  mov       [rbp+10h],r11
  0088  mov       rsp,rbp
  008b  pop       rbp
  008c  ret
  008d  int3
function 1 (defined 1):
  0090  endbr64
  0094  push      rbp
  0095  mov       rbp,rsp
  0098  lea       rax,[rsp-10h]
  00a0  cmp       rax,[r15+10h]
  00a7  jb        0000000000000298h
  00ad  sub       rsp,10h
  00b4  sub       qword ptr [r15+20h],1
  00bf  js        00000000000002A2h
  00c5  movss     xmm0,[rbp+10h]
  00ce  ucomiss   xmm0,xmm0
  00d2  jp        000000000000028Eh
  00d8  mov       r11d,0CF000001h
  00de  movd      xmm15,r11d
  00e3  ucomiss   xmm0,xmm15
  00e7  jbe       0000000000000284h
  00ed  mov       r11d,4F000000h
  00f3  movd      xmm15,r11d
  00f8  ucomiss   xmm0,xmm15
  00fc  jae       0000000000000284h
  0102  cvttss2si rbx,xmm0
  0107  mov       ebx,ebx
  010a  jmp       000000000000010Fh
  010f  mov       [rbp-8],rbx
  0116  mov       r11,[rbp-8]
  011d  mov       [rbp+10h],r11
  0124  mov       rsp,rbp
  0127  pop       rbp
  0128  ret
  0129  int3
