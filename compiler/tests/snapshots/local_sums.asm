function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001CFh
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  mov       qword ptr [rbp-10h],0
  003a  mov       ebx,[rbp+10h]
  0041  xor       r12d,r12d
  0044  sub       r13,33h
  004b  js        00000000000000F2h
  0051  lea       eax,[rbx-30h]
  0059  add       rax,38h
  0060  cmp       r10,rax
  0063  jb        0000000000000189h
  0069  cmovb     rax,r10
  006d  movsd     xmm0,[r14+rax-38h]
  0077  movsd     xmm1,[r14+rax-8]
  0081  addsd     xmm0,xmm1
  0086  movsd     [rbp-10h],xmm0
  008f  lea       r12d,[rbx-18h]
  0097  movsd     xmm1,[r14+rax-20h]
  00a1  movaps    xmm2,xmm0
  00a5  addsd     xmm1,xmm2
  00aa  movsd     [r14+rax-20h],xmm1
  00b4  lea       r12d,[rbx-10h]
  00bc  movsd     xmm1,[r14+rax-18h]
  00c6  movaps    xmm2,xmm0
  00ca  addsd     xmm1,xmm2
  00cf  movsd     [r14+rax-18h],xmm1
  00d9  movsd     xmm1,[r14+rax-18h]
  00e3  movsd     [rbp+10h],xmm1
  00ec  mov       rsp,rbp
  00ef  pop       rbp
  00f0  ret
  00f1  int3
  00f2  mov       [rbp+10h],rbx
  00f9  mov       [rbp-8],r12
  0100  mov       [r15+20h],r13
  0107  mov       rdi,r15
  010a  mov       rsi,rsp
  010d  mov       rdx,r11
  0110  call      0000000000000115h
  0115  mov       r13,[r15+20h]
  011c  test      eax,eax
  011e  jne       000000000000017Ah
  0124  mov       r14,[r15]
  012b  mov       r10,[r15+8]
  0132  mov       rbx,[rbp+10h]
  0139  mov       r12,[rbp-8]
  0140  jmp       0000000000000051h
