function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001CFh
  001d  sub       rsp,10h
  0024  sub       r13,15h
  002b  js        000000000000008Dh
  0031  mov       ebx,[rbp+10h]
  0038  lea       r11,[rbx+1]
  0040  cmp       r11,r10
  0043  mov       r11d,0
  0049  cmova     rbx,r11
  004d  ja        0000000000000189h
  0053  movzx     ebx,byte ptr [r14+rbx]
  005c  mov       esi,[rbp+18h]
  0063  lea       r11,[rsi+8]
  006b  cmp       r11,r10
  006e  mov       r11,0FFFFFFFFFFFFFFFCh
  0075  cmova     rsi,r11
  0079  ja        0000000000000189h
  007f  mov       [r14+rsi+4],ebx
  0087  mov       rsp,rbp
  008a  pop       rbp
  008b  ret
  008c  int3
  008d  mov       [r15+20h],r13
  0094  mov       rdi,r15
  0097  mov       rsi,rsp
  009a  mov       rdx,r11
  009d  call      00000000000000A2h
  00a2  mov       r13,[r15+20h]
  00a9  test      eax,eax
  00ab  jne       000000000000017Ah
  00b1  mov       r14,[r15]
  00b8  mov       r10,[r15+8]
  00bf  jmp       0000000000000031h
