code:
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002ACh
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
  0061  jne       0000000000000257h
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
  0097  jb        00000000000002ACh
  009d  sub       rsp,10h
  00a4  mov       ebx,[rbp+10h]
  00ab  sub       qword ptr [r15+20h],12h
  00b3  js        0000000000000159h
  00b9  mov       rsi,rbx
  00bc  test      esi,esi
  00bf  je        000000000000010Ah
  00c5  mov       [rsp],rbx
  00cd  sub       qword ptr [r15+20h],2
  00d2  mov       [rbp+10h],rbx
  00d9  call      0
  00de  mov       rbx,[rbp+10h]
  00e5  mov       r14,[r15]
  00ec  mov       esi,[rsp]
  00f4  sub       qword ptr [r15+20h],3
  00f9  mov       [rbp+10h],rsi
  0100  mov       rsp,rbp
  0103  pop       rbp
  0104  jmp       0000000000000109h
  0109  int3
  010a  mov       [rsp],rbx
  0112  sub       qword ptr [r15+20h],68h
  0117  mov       [rbp+10h],rbx
  011e  mov       rdi,r15
  0121  mov       rsi,rsp
  0124  call      0000000000000129h
  0129  test      eax,eax
  012b  jne       0000000000000257h
  0131  mov       rbx,[rbp+10h]
  0138  mov       r14,[r15]
  013f  sub       qword ptr [r15+20h],4
  0144  mov       qword ptr [rbp+10h],0
  014f  mov       rsp,rbp
  0152  pop       rbp
  0153  jmp       0000000000000158h
  0158  int3
  0159  mov       [rbp+10h],rbx
  0160  mov       rdi,r15
  0163  mov       rsi,rsp
  0166  mov       rdx,r11
  0169  call      000000000000016Eh
  016e  test      eax,eax
  0170  jne       0000000000000257h
  0176  mov       r14,[r15]
  017d  mov       rbx,[rbp+10h]
  0184  jmp       00000000000000B9h
  0189  int3
  018a  int3
  018b  int3
  018c  int3
  018d  int3
  018e  int3
  018f  int3
  0190  endbr64
  0194  push      rbp
  0195  mov       rbp,rsp
  0198  push      rbx
  0199  push      r12
  019b  push      r13
  019d  push      r14
  019f  push      r15
  01a1  push      rsi
  01a2  push      qword ptr [rdi+30h]
  01a8  sub       rsp,8
  01ac  mov       r15,rdi
  01af  mov       [r15+30h],rsp
  01b6  mov       rax,[r15+18h]
  01bd  lea       rsp,[rax-10h]
  01c4  mov       r14,[r15]
  01cb  mov       rax,[rsi]
  01d2  mov       [rsp],rax
  01da  call      0000000000000080h
  01df  mov       rcx,[r15+30h]
  01e6  mov       rsi,[rcx+10h]
  01ea  mov       rax,[rsp]
  01f2  mov       [rsi],rax
  01f9  xor       eax,eax
  01fb  jmp       0000000000000230h
  0200  endbr64
  0204  push      rbp
  0205  mov       rbp,rsp
  0208  mov       rdi,r15
  020b  lea       rsi,[rbp+10h]
  020f  call      0000000000000214h
  0214  test      eax,eax
  0216  jne       0000000000000257h
  021c  pop       rbp
  021d  jmp       0000000000000222h
  0222  int3
  0223  int3
  0224  int3
  0225  int3
  0226  int3
  0227  int3
  0228  int3
  0229  int3
  022a  int3
  022b  int3
  022c  int3
  022d  int3
  022e  int3
  022f  int3
  0230  mov       rsp,[r15+30h]
  0237  mov       rcx,[rsp+8]
  023c  mov       [r15+30h],rcx
  0243  add       rsp,18h
  0247  pop       r15
  0249  pop       r14
  024b  pop       r13
  024d  pop       r12
  024f  pop       rbx
  0250  pop       rbp
  0251  jmp       0000000000000256h
  0256  int3
  0257  jmp       0000000000000230h
  025c  mov       eax,1
  0261  jmp       0000000000000230h
  0266  mov       eax,2
  026b  jmp       0000000000000230h
  0270  mov       eax,3
  0275  jmp       0000000000000230h
  027a  mov       eax,4
  027f  jmp       0000000000000230h
  0284  mov       eax,5
  0289  jmp       0000000000000230h
  028e  mov       eax,6
  0293  jmp       0000000000000230h
  0298  mov       eax,7
  029d  jmp       0000000000000230h
  02a2  mov       eax,8
  02a7  jmp       0000000000000230h
  02ac  mov       eax,9
  02b1  jmp       0000000000000230h
  02b6  mov       eax,0Ah
  02bb  jmp       0000000000000230h
  02c0  mov       eax,0Bh
  02c5  jmp       0000000000000230h
