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
  0039  sub       r13,13h
  0040  js        00000000000000A6h
  0046  nop       [rax+rax]
  004f  nop
  0050  sub       r13,9
  0057  js        00000000000000F9h
  005d  mov       [rbp-10h],rbx
  0064  cmp       ebx,r12d
  0067  jae       000000000000008Eh
  006d  add       ebx,1
  0074  sub       r13,5
  0078  jmp       0000000000000050h
  007d  mov       r11d,0FFFFFFFFh
  0083  mov       [rbp-10h],r11
  008a  sub       r13,2
  008e  sub       r13,3
  0092  mov       r11,[rbp-10h]
  0099  mov       [rbp+10h],r11
  00a0  mov       rsp,rbp
  00a3  pop       rbp
  00a4  ret
  00a5  int3
  00a6  mov       [rbp+10h],r12
  00ad  mov       [rbp-8],rbx
  00b4  mov       [r15+20h],r13
  00bb  mov       rdi,r15
  00be  mov       rsi,rsp
  00c1  mov       rdx,r11
  00c4  call      00000000000000C9h
  00c9  mov       r13,[r15+20h]
  00d0  test      eax,eax
  00d2  jne       00000000000001FAh
  00d8  mov       r14,[r15]
  00df  mov       r10,[r15+8]
  00e6  mov       r12,[rbp+10h]
  00ed  mov       rbx,[rbp-8]
  00f4  jmp       0000000000000046h
  00f9  mov       [rbp+10h],r12
  0100  mov       [rbp-8],rbx
  0107  mov       [r15+20h],r13
  010e  mov       rdi,r15
  0111  mov       rsi,rsp
  0114  mov       rdx,r11
  0117  call      000000000000011Ch
  011c  mov       r13,[r15+20h]
  0123  test      eax,eax
  0125  jne       00000000000001FAh
  012b  mov       r14,[r15]
  0132  mov       r10,[r15+8]
  0139  mov       r12,[rbp+10h]
  0140  mov       rbx,[rbp-8]
  0147  jmp       000000000000005Dh
