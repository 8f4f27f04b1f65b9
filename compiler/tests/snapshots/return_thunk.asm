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
  00c2  js        0000000000000180h
  00c8  mov       rsi,rbx
  00cb  test      esi,esi
  00ce  je        000000000000011Eh
  00d4  mov       [rsp],rbx
  00dc  sub       r13,2
  00e0  mov       [rbp+10h],rbx
  00e7  call      0
  00ec  mov       rbx,[rbp+10h]
  00f3  mov       r14,[r15]
  00fa  mov       r10,[r15+8]
  0101  mov       esi,[rsp]
  0109  sub       r13,3
  010d  mov       [rbp+10h],rsi
  0114  mov       rsp,rbp
  0117  pop       rbp
  0118  jmp       000000000000011Dh
  011d  int3
  011e  mov       [rsp],rbx
  0126  sub       r13,68h
  012a  mov       [rbp+10h],rbx
  0131  mov       [r15+20h],r13
  0138  mov       rdi,r15
  013b  mov       rsi,rsp
  013e  call      0000000000000143h
  0143  mov       r13,[r15+20h]
  014a  test      eax,eax
  014c  jne       00000000000002BEh
  0152  mov       rbx,[rbp+10h]
  0159  mov       r14,[r15]
  0160  mov       r10,[r15+8]
  0167  sub       r13,4
  016b  mov       qword ptr [rbp+10h],0
  0176  mov       rsp,rbp
  0179  pop       rbp
  017a  jmp       000000000000017Fh
  017f  int3
  0180  mov       [rbp+10h],rbx
  0187  mov       [r15+20h],r13
  018e  mov       rdi,r15
  0191  mov       rsi,rsp
  0194  mov       rdx,r11
  0197  call      000000000000019Ch
  019c  mov       r13,[r15+20h]
  01a3  test      eax,eax
  01a5  jne       00000000000002BEh
  01ab  mov       r14,[r15]
  01b2  mov       r10,[r15+8]
  01b9  mov       rbx,[rbp+10h]
  01c0  jmp       00000000000000C8h
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
