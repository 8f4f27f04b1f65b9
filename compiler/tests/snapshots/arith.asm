function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000003FFh
  001d  sub       rsp,10h
  0024  sub       r13,18h
  002b  js        0000000000000056h
  0031  mov       ebx,[rbp+18h]
  0038  mov       esi,[rbp+10h]
  003f  add       esi,ebx
  0042  imul      esi,3
  0049  mov       [rbp+10h],rsi
  0050  mov       rsp,rbp
  0053  pop       rbp
  0054  ret
  0055  int3
  0056  mov       [r15+20h],r13
  005d  mov       rdi,r15
  0060  mov       rsi,rsp
  0063  mov       rdx,r11
  0066  call      000000000000006Bh
  006b  mov       r13,[r15+20h]
  0072  test      eax,eax
  0074  jne       00000000000003AAh
  007a  mov       r14,[r15]
  0081  mov       r10,[r15+8]
  0088  jmp       0000000000000031h
function 1 (defined 1):
  0090  endbr64
  0094  push      rbp
  0095  mov       rbp,rsp
  0098  lea       rax,[rsp-10h]
  00a0  cmp       rax,[r15+10h]
  00a7  jb        00000000000003FFh
  00ad  sub       rsp,10h
  00b4  sub       r13,16h
  00bb  js        0000000000000105h
  00c1  mov       rbx,[rbp+18h]
  00c8  mov       rax,[rbp+10h]
  00cf  test      rbx,rbx
  00d2  je        00000000000003E1h
  00d8  cmp       rbx,0FFFFFFFFFFFFFFFFh
  00df  jne       00000000000000F3h
  00e5  neg       rax
  00e8  jo        00000000000003EBh
  00ee  jmp       00000000000000F8h
  00f3  cqo
  00f5  idiv      rbx
  00f8  mov       [rbp+10h],rax
  00ff  mov       rsp,rbp
  0102  pop       rbp
  0103  ret
  0104  int3
  0105  mov       [r15+20h],r13
  010c  mov       rdi,r15
  010f  mov       rsi,rsp
  0112  mov       rdx,r11
  0115  call      000000000000011Ah
  011a  mov       r13,[r15+20h]
  0121  test      eax,eax
  0123  jne       00000000000003AAh
  0129  mov       r14,[r15]
  0130  mov       r10,[r15+8]
  0137  jmp       00000000000000C1h
function 2 (defined 2):
  0140  endbr64
  0144  push      rbp
  0145  mov       rbp,rsp
  0148  lea       rax,[rsp-10h]
  0150  cmp       rax,[r15+10h]
  0157  jb        00000000000003FFh
  015d  sub       rsp,10h
  0164  sub       r13,16h
  016b  js        000000000000018Fh
  0171  mov       ecx,[rbp+18h]
  0178  mov       ebx,[rbp+10h]
  017f  shl       ebx,cl
  0182  mov       [rbp+10h],rbx
  0189  mov       rsp,rbp
  018c  pop       rbp
  018d  ret
  018e  int3
  018f  mov       [r15+20h],r13
  0196  mov       rdi,r15
  0199  mov       rsi,rsp
  019c  mov       rdx,r11
  019f  call      00000000000001A4h
  01a4  mov       r13,[r15+20h]
  01ab  test      eax,eax
  01ad  jne       00000000000003AAh
  01b3  mov       r14,[r15]
  01ba  mov       r10,[r15+8]
  01c1  jmp       0000000000000171h
