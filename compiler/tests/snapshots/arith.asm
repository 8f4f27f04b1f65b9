function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000398h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],18h
  002c  js        0000000000000057h
  0032  mov       ebx,[rbp+18h]
  0039  mov       esi,[rbp+10h]
  0040  add       esi,ebx
  0043  imul      esi,3
  004a  mov       [rbp+10h],rsi
  0051  mov       rsp,rbp
  0054  pop       rbp
  0055  ret
  0056  int3
  0057  mov       rdi,r15
  005a  mov       rsi,rsp
  005d  mov       rdx,r11
  0060  call      0000000000000065h
  0065  test      eax,eax
  0067  jne       0000000000000343h
  006d  mov       r14,[r15]
  0074  jmp       0000000000000032h
function 1 (defined 1):
  0080  endbr64
  0084  push      rbp
  0085  mov       rbp,rsp
  0088  lea       rax,[rsp-10h]
  0090  cmp       rax,[r15+10h]
  0097  jb        0000000000000398h
  009d  sub       rsp,10h
  00a4  sub       qword ptr [r15+20h],16h
  00ac  js        00000000000000F6h
  00b2  mov       rbx,[rbp+18h]
  00b9  mov       rax,[rbp+10h]
  00c0  test      rbx,rbx
  00c3  je        000000000000037Ah
  00c9  cmp       rbx,0FFFFFFFFFFFFFFFFh
  00d0  jne       00000000000000E4h
  00d6  neg       rax
  00d9  jo        0000000000000384h
  00df  jmp       00000000000000E9h
  00e4  cqo
  00e6  idiv      rbx
  00e9  mov       [rbp+10h],rax
  00f0  mov       rsp,rbp
  00f3  pop       rbp
  00f4  ret
  00f5  int3
  00f6  mov       rdi,r15
  00f9  mov       rsi,rsp
  00fc  mov       rdx,r11
  00ff  call      0000000000000104h
  0104  test      eax,eax
  0106  jne       0000000000000343h
  010c  mov       r14,[r15]
  0113  jmp       00000000000000B2h
function 2 (defined 2):
  0120  endbr64
  0124  push      rbp
  0125  mov       rbp,rsp
  0128  lea       rax,[rsp-10h]
  0130  cmp       rax,[r15+10h]
  0137  jb        0000000000000398h
  013d  sub       rsp,10h
  0144  sub       qword ptr [r15+20h],16h
  014c  js        0000000000000170h
  0152  mov       ecx,[rbp+18h]
  0159  mov       ebx,[rbp+10h]
  0160  shl       ebx,cl
  0163  mov       [rbp+10h],rbx
  016a  mov       rsp,rbp
  016d  pop       rbp
  016e  ret
  016f  int3
  0170  mov       rdi,r15
  0173  mov       rsi,rsp
  0176  mov       rdx,r11
  0179  call      000000000000017Eh
  017e  test      eax,eax
  0180  jne       0000000000000343h
  0186  mov       r14,[r15]
  018d  jmp       0000000000000152h
