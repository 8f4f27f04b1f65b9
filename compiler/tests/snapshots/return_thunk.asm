code:
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000313h
  001d  sub       rsp,10h
  0024  sub       r13,16h
  002b  js        0000000000000050h
  0031  mov       ebx,[rbp+10h]
  0038  add       ebx,1
  003f  mov       [rbp+10h],rbx
  0046  mov       rsp,rbp
  0049  pop       rbp
  004a  jmp       000000000000004Fh
  004f  int3
  0050  mov       [r15+20h],r13
  0057  mov       rdi,r15
  005a  mov       rsi,rsp
  005d  mov       rdx,r11
  0060  call      0000000000000065h
  0065  mov       r13,[r15+20h]
  006c  test      eax,eax
  006e  jne       00000000000002BEh
  0074  mov       r14,[r15]
  007b  mov       r10,[r15+8]
  0082  jmp       0000000000000031h
  0087  int3
  0088  int3
  0089  int3
  008a  int3
  008b  int3
  008c  int3
  008d  int3
  008e  int3
  008f  int3
  0090  endbr64
  0094  push      rbp
  0095  mov       rbp,rsp
  0098  lea       rax,[rsp-10h]
  00a0  cmp       rax,[r15+10h]
  00a7  jb        0000000000000313h
  00ad  sub       rsp,10h
  00b4  mov       ebx,[rbp+10h]
  00bb  sub       r13,12h
  00c2  js        000000000000017Dh
  00c8  test      ebx,ebx
  00cb  je        000000000000011Bh
  00d1  mov       [rsp],rbx
  00d9  sub       r13,2
  00dd  mov       [rbp+10h],rbx
  00e4  call      0
  00e9  mov       rbx,[rbp+10h]
  00f0  mov       r14,[r15]
  00f7  mov       r10,[r15+8]
  00fe  mov       esi,[rsp]
  0106  sub       r13,3
  010a  mov       [rbp+10h],rsi
  0111  mov       rsp,rbp
  0114  pop       rbp
  0115  jmp       000000000000011Ah
  011a  int3
  011b  mov       [rsp],rbx
  0123  sub       r13,68h
  0127  mov       [rbp+10h],rbx
  012e  mov       [r15+20h],r13
  0135  mov       rdi,r15
  0138  mov       rsi,rsp
  013b  call      0000000000000140h
  0140  mov       r13,[r15+20h]
  0147  test      eax,eax
  0149  jne       00000000000002BEh
  014f  mov       rbx,[rbp+10h]
  0156  mov       r14,[r15]
  015d  mov       r10,[r15+8]
  0164  sub       r13,4
  0168  mov       qword ptr [rbp+10h],0
  0173  mov       rsp,rbp
  0176  pop       rbp
  0177  jmp       000000000000017Ch
  017c  int3
  017d  mov       [rbp+10h],rbx
  0184  mov       [r15+20h],r13
  018b  mov       rdi,r15
  018e  mov       rsi,rsp
  0191  mov       rdx,r11
  0194  call      0000000000000199h
  0199  mov       r13,[r15+20h]
  01a0  test      eax,eax
  01a2  jne       00000000000002BEh
  01a8  mov       r14,[r15]
  01af  mov       r10,[r15+8]
  01b6  mov       rbx,[rbp+10h]
  01bd  jmp       00000000000000C8h
  01c2  int3
  01c3  int3
  01c4  int3
  01c5  int3
  01c6  int3
  01c7  int3
  01c8  int3
  01c9  int3
  01ca  int3
  01cb  int3
  01cc  int3
  01cd  int3
  01ce  int3
  01cf  int3
  01d0  endbr64
  01d4  push      rbp
  01d5  mov       rbp,rsp
  01d8  push      rbx
  01d9  push      r12
  01db  push      r13
  01dd  push      r14
  01df  push      r15
  01e1  push      rsi
  01e2  push      qword ptr [rdi+30h]
  01e8  sub       rsp,8
  01ec  mov       r15,rdi
  01ef  mov       [r15+30h],rsp
  01f6  mov       rax,[r15+18h]
  01fd  lea       rsp,[rax-10h]
  0204  mov       r14,[r15]
  020b  mov       r10,[r15+8]
  0212  mov       r13,[r15+20h]
  0219  mov       rax,[rsi]
  0220  mov       [rsp],rax
  0228  call      0000000000000090h
  022d  mov       rcx,[r15+30h]
  0234  mov       rsi,[rcx+10h]
  0238  mov       rax,[rsp]
  0240  mov       [rsi],rax
  0247  xor       eax,eax
  0249  jmp       0000000000000290h
  024e  int3
  024f  int3
  0250  endbr64
  0254  push      rbp
  0255  mov       rbp,rsp
  0258  mov       rdi,r15
  025b  lea       rsi,[rbp+10h]
  025f  mov       [r15+20h],r13
  0266  call      000000000000026Bh
  026b  mov       r13,[r15+20h]
  0272  test      eax,eax
  0274  jne       00000000000002BEh
  027a  pop       rbp
  027b  jmp       0000000000000280h
  0280  int3
  0281  int3
  0282  int3
  0283  int3
  0284  int3
  0285  int3
  0286  int3
  0287  int3
  0288  int3
  0289  int3
  028a  int3
  028b  int3
  028c  int3
  028d  int3
  028e  int3
  028f  int3
  0290  mov       [r15+20h],r13
  0297  mov       rsp,[r15+30h]
  029e  mov       rcx,[rsp+8]
  02a3  mov       [r15+30h],rcx
  02aa  add       rsp,18h
  02ae  pop       r15
  02b0  pop       r14
  02b2  pop       r13
  02b4  pop       r12
  02b6  pop       rbx
  02b7  pop       rbp
  02b8  jmp       00000000000002BDh
  02bd  int3
  02be  jmp       0000000000000290h
  02c3  mov       eax,1
  02c8  jmp       0000000000000290h
  02cd  mov       eax,2
  02d2  jmp       0000000000000290h
  02d7  mov       eax,3
  02dc  jmp       0000000000000290h
  02e1  mov       eax,4
  02e6  jmp       0000000000000290h
  02eb  mov       eax,5
  02f0  jmp       0000000000000290h
  02f5  mov       eax,6
  02fa  jmp       0000000000000290h
  02ff  mov       eax,7
  0304  jmp       0000000000000290h
  0309  mov       eax,8
  030e  jmp       0000000000000290h
  0313  mov       eax,9
  0318  jmp       0000000000000290h
  031d  mov       eax,0Ah
  0322  jmp       0000000000000290h
  0327  mov       eax,0Bh
  032c  jmp       0000000000000290h
