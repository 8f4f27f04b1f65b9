code:
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002E3h
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
  006e  jne       000000000000028Eh
  0074  mov       r14,[r15]
  007b  jmp       0000000000000031h
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        00000000000002E3h
  009d  sub       rsp,10h
  00a4  mov       ebx,[rbp+10h]
  00ab  sub       r13,12h
  00b2  js        0000000000000162h
  00b8  mov       rsi,rbx
  00bb  test      esi,esi
  00be  je        0000000000000107h
  00c4  mov       [rsp],rbx
  00cc  sub       r13,2
  00d0  mov       [rbp+10h],rbx
  00d7  call      0
  00dc  mov       rbx,[rbp+10h]
  00e3  mov       r14,[r15]
  00ea  mov       esi,[rsp]
  00f2  sub       r13,3
  00f6  mov       [rbp+10h],rsi
  00fd  mov       rsp,rbp
  0100  pop       rbp
  0101  jmp       0000000000000106h
  0106  int3
  0107  mov       [rsp],rbx
  010f  sub       r13,68h
  0113  mov       [rbp+10h],rbx
  011a  mov       [r15+20h],r13
  0121  mov       rdi,r15
  0124  mov       rsi,rsp
  0127  call      000000000000012Ch
  012c  mov       r13,[r15+20h]
  0133  test      eax,eax
  0135  jne       000000000000028Eh
  013b  mov       rbx,[rbp+10h]
  0142  mov       r14,[r15]
  0149  sub       r13,4
  014d  mov       qword ptr [rbp+10h],0
  0158  mov       rsp,rbp
  015b  pop       rbp
  015c  jmp       0000000000000161h
  0161  int3
  0162  mov       [rbp+10h],rbx
  0169  mov       [r15+20h],r13
  0170  mov       rdi,r15
  0173  mov       rsi,rsp
  0176  mov       rdx,r11
  0179  call      000000000000017Eh
  017e  mov       r13,[r15+20h]
  0185  test      eax,eax
  0187  jne       000000000000028Eh
  018d  mov       r14,[r15]
  0194  mov       rbx,[rbp+10h]
  019b  jmp       00000000000000B8h
  01a0  endbr64
  01a4  push      rbp
  01a5  mov       rbp,rsp
  01a8  push      rbx
  01a9  push      r12
  01ab  push      r13
  01ad  push      r14
  01af  push      r15
  01b1  push      rsi
  01b2  push      qword ptr [rdi+30h]
  01b8  sub       rsp,8
  01bc  mov       r15,rdi
  01bf  mov       [r15+30h],rsp
  01c6  mov       rax,[r15+18h]
  01cd  lea       rsp,[rax-10h]
  01d4  mov       r14,[r15]
  01db  mov       r13,[r15+20h]
  01e2  mov       rax,[rsi]
  01e9  mov       [rsp],rax
  01f1  call      0000000000000080h
  01f6  mov       rcx,[r15+30h]
  01fd  mov       rsi,[rcx+10h]
  0201  mov       rax,[rsp]
  0209  mov       [rsi],rax
  0210  xor       eax,eax
  0212  jmp       0000000000000260h
  0217  int3
  0218  int3
  0219  int3
  021a  int3
  021b  int3
  021c  int3
  021d  int3
  021e  int3
  021f  int3
  0220  endbr64
  0224  push      rbp
  0225  mov       rbp,rsp
  0228  mov       rdi,r15
  022b  lea       rsi,[rbp+10h]
  022f  mov       [r15+20h],r13
  0236  call      000000000000023Bh
  023b  mov       r13,[r15+20h]
  0242  test      eax,eax
  0244  jne       000000000000028Eh
  024a  pop       rbp
  024b  jmp       0000000000000250h
  0250  int3
  0251  int3
  0252  int3
  0253  int3
  0254  int3
  0255  int3
  0256  int3
  0257  int3
  0258  int3
  0259  int3
  025a  int3
  025b  int3
  025c  int3
  025d  int3
  025e  int3
  025f  int3
  0260  mov       [r15+20h],r13
  0267  mov       rsp,[r15+30h]
  026e  mov       rcx,[rsp+8]
  0273  mov       [r15+30h],rcx
  027a  add       rsp,18h
  027e  pop       r15
  0280  pop       r14
  0282  pop       r13
  0284  pop       r12
  0286  pop       rbx
  0287  pop       rbp
  0288  jmp       000000000000028Dh
  028d  int3
  028e  jmp       0000000000000260h
  0293  mov       eax,1
  0298  jmp       0000000000000260h
  029d  mov       eax,2
  02a2  jmp       0000000000000260h
  02a7  mov       eax,3
  02ac  jmp       0000000000000260h
  02b1  mov       eax,4
  02b6  jmp       0000000000000260h
  02bb  mov       eax,5
  02c0  jmp       0000000000000260h
  02c5  mov       eax,6
  02ca  jmp       0000000000000260h
  02cf  mov       eax,7
  02d4  jmp       0000000000000260h
  02d9  mov       eax,8
  02de  jmp       0000000000000260h
  02e3  mov       eax,9
  02e8  jmp       0000000000000260h
  02ed  mov       eax,0Ah
  02f2  jmp       0000000000000260h
  02f7  mov       eax,0Bh
  02fc  jmp       0000000000000260h
