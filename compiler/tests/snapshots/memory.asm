function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000188h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        0000000000000192h
  0035  mov       ebx,[rbp+10h]
  003c  lea       r11,[rbx+1]
  0044  cmp       r11,[r15+8]
  004b  mov       r11d,0
  0051  cmova     rbx,r11
  0055  ja        0000000000000142h
  005b  movzx     ebx,byte ptr [r14+rbx]
  0064  mov       esi,[rbp+18h]
  006b  lea       r11,[rsi+8]
  0073  cmp       r11,[r15+8]
  007a  mov       r11,0FFFFFFFFFFFFFFFCh
  0081  cmova     rsi,r11
  0085  ja        0000000000000142h
  008b  mov       [r14+rsi+4],ebx
  0093  mov       rsp,rbp
  0096  pop       rbp
  0097  ret
  0098  int3
