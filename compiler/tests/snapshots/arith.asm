function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000368h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        0000000000000372h
  0035  mov       ebx,[rbp+18h]
  003c  mov       esi,[rbp+10h]
  0043  add       esi,ebx
  0046  imul      esi,3
  004d  mov       [rbp-8],rsi
  0054  mov       r11,[rbp-8]
  005b  mov       [rbp+10h],r11
  0062  mov       rsp,rbp
  0065  pop       rbp
  0066  ret
  0067  int3
function 1 (defined 1):
  0070  endbr64
  0074  push      rbp
  0075  mov       rbp,rsp
  0078  lea       rax,[rsp-10h]
  0080  cmp       rax,[r15+10h]
  0087  jb        0000000000000368h
  008d  sub       rsp,10h
  0094  sub       qword ptr [r15+20h],1
  009f  js        0000000000000372h
  00a5  mov       rbx,[rbp+18h]
  00ac  mov       rax,[rbp+10h]
  00b3  test      rbx,rbx
  00b6  je        000000000000034Ah
  00bc  cmp       rbx,0FFFFFFFFFFFFFFFFh
  00c3  jne       00000000000000D7h
  00c9  neg       rax
  00cc  jo        0000000000000354h
  00d2  jmp       00000000000000DCh
  00d7  cqo
  00d9  idiv      rbx
  00dc  mov       [rbp-8],rax
  00e3  mov       r11,[rbp-8]
  00ea  mov       [rbp+10h],r11
  00f1  mov       rsp,rbp
  00f4  pop       rbp
  00f5  ret
  00f6  int3
function 2 (defined 2):
  0100  endbr64
  0104  push      rbp
  0105  mov       rbp,rsp
  0108  lea       rax,[rsp-10h]
  0110  cmp       rax,[r15+10h]
  0117  jb        0000000000000368h
  011d  sub       rsp,10h
  0124  sub       qword ptr [r15+20h],1
  012f  js        0000000000000372h
  0135  mov       ecx,[rbp+18h]
  013c  mov       ebx,[rbp+10h]
  0143  shl       ebx,cl
  0146  mov       [rbp-8],rbx
  014d  mov       r11,[rbp-8]
  0154  mov       [rbp+10h],r11
  015b  mov       rsp,rbp
  015e  pop       rbp
  015f  ret
  0160  int3
