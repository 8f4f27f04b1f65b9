function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001BFh
  001d  sub       rsp,10h
  0024  sub       r13,15h
  002b  js        0000000000000080h
  0031  mov       ebx,[rbp+10h]
  0038  lea       rax,[rbx+1]
  0040  cmp       r10,rax
  0043  jb        0000000000000179h
  0049  cmovb     rax,r10
  004d  movzx     ebx,byte ptr [r14+rax-1]
  0056  mov       esi,[rbp+18h]
  005d  lea       rdx,[rsi+8]
  0065  cmp       r10,rdx
  0068  jb        0000000000000179h
  006e  cmovb     rdx,r10
  0072  mov       [r14+rdx-4],ebx
  007a  mov       rsp,rbp
  007d  pop       rbp
  007e  ret
  007f  int3
  0080  mov       [r15+20h],r13
  0087  mov       rdi,r15
  008a  mov       rsi,rsp
  008d  mov       rdx,r11
  0090  call      0000000000000095h
  0095  mov       r13,[r15+20h]
  009c  test      eax,eax
  009e  jne       000000000000016Ah
  00a4  mov       r14,[r15]
  00ab  mov       r10,[r15+8]
  00b2  jmp       0000000000000031h
