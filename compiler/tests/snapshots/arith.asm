function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000338h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        0000000000000342h
  0035  mov       ebx,[rbp+18h]
  003c  mov       esi,[rbp+10h]
  0043  add       esi,ebx
  0046  imul      esi,3
  004d  mov       [rbp+10h],rsi
  0054  mov       rsp,rbp
  0057  pop       rbp
  0058  ret
  0059  int3
function 1 (defined 1):
  0060  endbr64
  0064  push      rbp
  0065  mov       rbp,rsp
  0068  lea       rax,[rsp-10h]
  0070  cmp       rax,[r15+10h]
  0077  jb        0000000000000338h
  007d  sub       rsp,10h
  0084  sub       qword ptr [r15+20h],1
  008f  js        0000000000000342h
  0095  mov       rbx,[rbp+18h]
  009c  mov       rax,[rbp+10h]
  00a3  test      rbx,rbx
  00a6  je        000000000000031Ah
  00ac  cmp       rbx,0FFFFFFFFFFFFFFFFh
  00b3  jne       00000000000000C7h
  00b9  neg       rax
  00bc  jo        0000000000000324h
  00c2  jmp       00000000000000CCh
  00c7  cqo
  00c9  idiv      rbx
  00cc  mov       [rbp+10h],rax
  00d3  mov       rsp,rbp
  00d6  pop       rbp
  00d7  ret
  00d8  int3
function 2 (defined 2):
  00e0  endbr64
  00e4  push      rbp
  00e5  mov       rbp,rsp
  00e8  lea       rax,[rsp-10h]
  00f0  cmp       rax,[r15+10h]
  00f7  jb        0000000000000338h
  00fd  sub       rsp,10h
  0104  sub       qword ptr [r15+20h],1
  010f  js        0000000000000342h
  0115  mov       ecx,[rbp+18h]
  011c  mov       ebx,[rbp+10h]
  0123  shl       ebx,cl
  0126  mov       [rbp+10h],rbx
  012d  mov       rsp,rbp
  0130  pop       rbp
  0131  ret
  0132  int3
