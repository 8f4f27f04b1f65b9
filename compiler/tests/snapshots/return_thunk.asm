code:
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000028Ch
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],16h
  002c  js        0000000000000051h
  0032  mov       ebx,[rbp+10h]
  0039  add       ebx,1
  0040  mov       [rbp+10h],rbx
  0047  mov       rsp,rbp
  004a  pop       rbp
  004b  jmp       0000000000000050h
  0050  int3
  0051  mov       rdi,r15
  0054  mov       rsi,rsp
  0057  mov       rdx,r11
  005a  call      000000000000005Fh
  005f  test      eax,eax
  0061  jne       0000000000000237h
  0067  mov       r14,[r15]
  006e  jmp       0000000000000032h
  0073  int3
  0074  int3
  0075  int3
  0076  int3
  0077  int3
  0078  int3
  0079  int3
  007a  int3
  007b  int3
  007c  int3
  007d  int3
  007e  int3
  007f  int3
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        000000000000028Ch
  009d  sub       rsp,10h
  00a4  sub       qword ptr [r15+20h],12h
  00ac  js        0000000000000148h
  00b2  mov       ebx,[rbp+10h]
  00b9  test      ebx,ebx
  00bc  je        0000000000000100h
  00c2  mov       r11,[rbp+10h]
  00c9  mov       [rsp],r11
  00d1  sub       qword ptr [r15+20h],2
  00d6  call      0
  00db  mov       r14,[r15]
  00e2  mov       ebx,[rsp]
  00ea  sub       qword ptr [r15+20h],3
  00ef  mov       [rbp+10h],rbx
  00f6  mov       rsp,rbp
  00f9  pop       rbp
  00fa  jmp       00000000000000FFh
  00ff  int3
  0100  mov       r11,[rbp+10h]
  0107  mov       [rsp],r11
  010f  sub       qword ptr [r15+20h],68h
  0114  mov       rdi,r15
  0117  mov       rsi,rsp
  011a  call      000000000000011Fh
  011f  test      eax,eax
  0121  jne       0000000000000237h
  0127  mov       r14,[r15]
  012e  sub       qword ptr [r15+20h],4
  0133  mov       qword ptr [rbp+10h],0
  013e  mov       rsp,rbp
  0141  pop       rbp
  0142  jmp       0000000000000147h
  0147  int3
  0148  mov       rdi,r15
  014b  mov       rsi,rsp
  014e  mov       rdx,r11
  0151  call      0000000000000156h
  0156  test      eax,eax
  0158  jne       0000000000000237h
  015e  mov       r14,[r15]
  0165  jmp       00000000000000B2h
  016a  int3
  016b  int3
  016c  int3
  016d  int3
  016e  int3
  016f  int3
  0170  endbr64
  0174  push      rbp
  0175  mov       rbp,rsp
  0178  push      rbx
  0179  push      r12
  017b  push      r13
  017d  push      r14
  017f  push      r15
  0181  push      rsi
  0182  push      qword ptr [rdi+30h]
  0188  sub       rsp,8
  018c  mov       r15,rdi
  018f  mov       [r15+30h],rsp
  0196  mov       rax,[r15+18h]
  019d  lea       rsp,[rax-10h]
  01a4  mov       r14,[r15]
  01ab  mov       rax,[rsi]
  01b2  mov       [rsp],rax
  01ba  call      0000000000000080h
  01bf  mov       rcx,[r15+30h]
  01c6  mov       rsi,[rcx+10h]
  01ca  mov       rax,[rsp]
  01d2  mov       [rsi],rax
  01d9  xor       eax,eax
  01db  jmp       0000000000000210h
  01e0  endbr64
  01e4  push      rbp
  01e5  mov       rbp,rsp
  01e8  mov       rdi,r15
  01eb  lea       rsi,[rbp+10h]
  01ef  call      00000000000001F4h
  01f4  test      eax,eax
  01f6  jne       0000000000000237h
  01fc  pop       rbp
  01fd  jmp       0000000000000202h
  0202  int3
  0203  int3
  0204  int3
  0205  int3
  0206  int3
  0207  int3
  0208  int3
  0209  int3
  020a  int3
  020b  int3
  020c  int3
  020d  int3
  020e  int3
  020f  int3
  0210  mov       rsp,[r15+30h]
  0217  mov       rcx,[rsp+8]
  021c  mov       [r15+30h],rcx
  0223  add       rsp,18h
  0227  pop       r15
  0229  pop       r14
  022b  pop       r13
  022d  pop       r12
  022f  pop       rbx
  0230  pop       rbp
  0231  jmp       0000000000000236h
  0236  int3
  0237  jmp       0000000000000210h
  023c  mov       eax,1
  0241  jmp       0000000000000210h
  0246  mov       eax,2
  024b  jmp       0000000000000210h
  0250  mov       eax,3
  0255  jmp       0000000000000210h
  025a  mov       eax,4
  025f  jmp       0000000000000210h
  0264  mov       eax,5
  0269  jmp       0000000000000210h
  026e  mov       eax,6
  0273  jmp       0000000000000210h
  0278  mov       eax,7
  027d  jmp       0000000000000210h
  0282  mov       eax,8
  0287  jmp       0000000000000210h
  028c  mov       eax,9
  0291  jmp       0000000000000210h
  0296  mov       eax,0Ah
  029b  jmp       0000000000000210h
  02a0  mov       eax,0Bh
  02a5  jmp       0000000000000210h
