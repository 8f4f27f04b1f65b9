function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001A8h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],15h
  002c  js        0000000000000096h
  0032  mov       ebx,[rbp+10h]
  0039  lea       r11,[rbx+1]
  0041  cmp       r11,[r15+8]
  0048  mov       r11d,0
  004e  cmova     rbx,r11
  0052  ja        0000000000000162h
  0058  movzx     ebx,byte ptr [r14+rbx]
  0061  mov       esi,[rbp+18h]
  0068  lea       r11,[rsi+8]
  0070  cmp       r11,[r15+8]
  0077  mov       r11,0FFFFFFFFFFFFFFFCh
  007e  cmova     rsi,r11
  0082  ja        0000000000000162h
  0088  mov       [r14+rsi+4],ebx
  0090  mov       rsp,rbp
  0093  pop       rbp
  0094  ret
  0095  int3
  0096  mov       rdi,r15
  0099  mov       rsi,rsp
  009c  mov       rdx,r11
  009f  call      00000000000000A4h
  00a4  test      eax,eax
  00a6  jne       0000000000000153h
  00ac  mov       r14,[r15]
  00b3  jmp       0000000000000032h
