function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000328h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],6
  002c  js        0000000000000332h
  0032  mov       ebx,[rbp+18h]
  0039  mov       esi,[rbp+10h]
  0040  add       esi,ebx
  0043  imul      esi,3
  004a  mov       [rbp+10h],rsi
  0051  mov       rsp,rbp
  0054  pop       rbp
  0055  ret
  0056  int3
function 1 (defined 1):
  0060  endbr64
  0064  push      rbp
  0065  mov       rbp,rsp
  0068  lea       rax,[rsp-10h]
  0070  cmp       rax,[r15+10h]
  0077  jb        0000000000000328h
  007d  sub       rsp,10h
  0084  sub       qword ptr [r15+20h],4
  008c  js        0000000000000332h
  0092  mov       rbx,[rbp+18h]
  0099  mov       rax,[rbp+10h]
  00a0  test      rbx,rbx
  00a3  je        000000000000030Ah
  00a9  cmp       rbx,0FFFFFFFFFFFFFFFFh
  00b0  jne       00000000000000C4h
  00b6  neg       rax
  00b9  jo        0000000000000314h
  00bf  jmp       00000000000000C9h
  00c4  cqo
  00c6  idiv      rbx
  00c9  mov       [rbp+10h],rax
  00d0  mov       rsp,rbp
  00d3  pop       rbp
  00d4  ret
  00d5  int3
function 2 (defined 2):
  00e0  endbr64
  00e4  push      rbp
  00e5  mov       rbp,rsp
  00e8  lea       rax,[rsp-10h]
  00f0  cmp       rax,[r15+10h]
  00f7  jb        0000000000000328h
  00fd  sub       rsp,10h
  0104  sub       qword ptr [r15+20h],4
  010c  js        0000000000000332h
  0112  mov       ecx,[rbp+18h]
  0119  mov       ebx,[rbp+10h]
  0120  shl       ebx,cl
  0123  mov       [rbp+10h],rbx
  012a  mov       rsp,rbp
  012d  pop       rbp
  012e  ret
  012f  int3
