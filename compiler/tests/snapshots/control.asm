function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000025Fh
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  mov       r12d,[rbp+10h]
  0036  xor       ebx,ebx
  0039  sub       r13,13h
  0040  js        00000000000000ABh
  0046  nop       [rax+rax]
  004f  nop
  0050  sub       r13,0Eh
  0057  js        00000000000000FEh
  005d  mov       [rbp-10h],rbx
  0064  cmp       ebx,r12d
  0067  jae       00000000000000A2h
  006d  add       ebx,1
  0074  jmp       0000000000000050h
  0079  mov       r11d,0FFFFFFFFh
  007f  mov       [rbp-10h],r11
  0086  sub       r13,2
  008a  sub       r13,3
  008e  mov       r11,[rbp-10h]
  0095  mov       [rbp+10h],r11
  009c  mov       rsp,rbp
  009f  pop       rbp
  00a0  ret
  00a1  int3
  00a2  sub       r13,0FFFFFFFFFFFFFFFBh
  00a6  jmp       000000000000008Ah
  00ab  mov       [rbp+10h],r12
  00b2  mov       [rbp-8],rbx
  00b9  mov       [r15+20h],r13
  00c0  mov       rdi,r15
  00c3  mov       rsi,rsp
  00c6  mov       rdx,r11
  00c9  call      00000000000000CEh
  00ce  mov       r13,[r15+20h]
  00d5  test      eax,eax
  00d7  jne       000000000000020Ah
  00dd  mov       r14,[r15]
  00e4  mov       r10,[r15+8]
  00eb  mov       r12,[rbp+10h]
  00f2  mov       rbx,[rbp-8]
  00f9  jmp       0000000000000046h
  00fe  mov       [rbp+10h],r12
  0105  mov       [rbp-8],rbx
  010c  mov       [r15+20h],r13
  0113  mov       rdi,r15
  0116  mov       rsi,rsp
  0119  mov       rdx,r11
  011c  call      0000000000000121h
  0121  mov       r13,[r15+20h]
  0128  test      eax,eax
  012a  jne       000000000000020Ah
  0130  mov       r14,[r15]
  0137  mov       r10,[r15+8]
  013e  mov       r12,[rbp+10h]
  0145  mov       rbx,[rbp-8]
  014c  jmp       000000000000005Dh
