function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000024Fh
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  mov       r12d,[rbp+10h]
  0036  xor       ebx,ebx
  0039  sub       r13,0Eh
  0040  js        00000000000000A2h
  0046  nop       [rax+rax]
  004f  nop
  0050  sub       r13,0Eh
  0057  js        00000000000000F5h
  005d  mov       [rbp-10h],rbx
  0064  cmp       ebx,r12d
  0067  jae       000000000000008Ah
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
  00a2  mov       [rbp+10h],r12
  00a9  mov       [rbp-8],rbx
  00b0  mov       [r15+20h],r13
  00b7  mov       rdi,r15
  00ba  mov       rsi,rsp
  00bd  mov       rdx,r11
  00c0  call      00000000000000C5h
  00c5  mov       r13,[r15+20h]
  00cc  test      eax,eax
  00ce  jne       00000000000001FAh
  00d4  mov       r14,[r15]
  00db  mov       r10,[r15+8]
  00e2  mov       r12,[rbp+10h]
  00e9  mov       rbx,[rbp-8]
  00f0  jmp       0000000000000046h
  00f5  mov       [rbp+10h],r12
  00fc  mov       [rbp-8],rbx
  0103  mov       [r15+20h],r13
  010a  mov       rdi,r15
  010d  mov       rsi,rsp
  0110  mov       rdx,r11
  0113  call      0000000000000118h
  0118  mov       r13,[r15+20h]
  011f  test      eax,eax
  0121  jne       00000000000001FAh
  0127  mov       r14,[r15]
  012e  mov       r10,[r15+8]
  0135  mov       r12,[rbp+10h]
  013c  mov       rbx,[rbp-8]
  0143  jmp       000000000000005Dh
