function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001CFh
  001d  sub       rsp,10h
  0024  sub       r13,15h
  002b  js        0000000000000095h
  0031  mov       ebx,[rbp+10h]
  0038  lea       r11,[rbx+1]
  0040  cmp       r11,[r15+8]
  0047  mov       r11d,0
  004d  cmova     rbx,r11
  0051  ja        0000000000000189h
  0057  movzx     ebx,byte ptr [r14+rbx]
  0060  mov       esi,[rbp+18h]
  0067  lea       r11,[rsi+8]
  006f  cmp       r11,[r15+8]
  0076  mov       r11,0FFFFFFFFFFFFFFFCh
  007d  cmova     rsi,r11
  0081  ja        0000000000000189h
  0087  mov       [r14+rsi+4],ebx
  008f  mov       rsp,rbp
  0092  pop       rbp
  0093  ret
  0094  int3
  0095  mov       [r15+20h],r13
  009c  mov       rdi,r15
  009f  mov       rsi,rsp
  00a2  mov       rdx,r11
  00a5  call      00000000000000AAh
  00aa  mov       r13,[r15+20h]
  00b1  test      eax,eax
  00b3  jne       000000000000017Ah
  00b9  mov       r14,[r15]
  00c0  jmp       0000000000000031h
