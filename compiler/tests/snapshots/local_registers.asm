function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001CFh
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       r13,1Ch
  0036  js        0000000000000085h
  003c  mov       ebx,[rbp+18h]
  0043  mov       esi,[rbp+10h]
  004a  imul      esi,ebx
  004e  mov       [rbp-8],rsi
  0055  mov       ebx,[rbp+10h]
  005c  mov       edi,10h
  0062  mov       [r14+rdi],ebx
  006a  mov       [rbp-10h],rsi
  0071  mov       r11,[rbp-10h]
  0078  mov       [rbp+10h],r11
  007f  mov       rsp,rbp
  0082  pop       rbp
  0083  ret
  0084  int3
  0085  mov       [r15+20h],r13
  008c  mov       rdi,r15
  008f  mov       rsi,rsp
  0092  mov       rdx,r11
  0095  call      000000000000009Ah
  009a  mov       r13,[r15+20h]
  00a1  test      eax,eax
  00a3  jne       000000000000017Ah
  00a9  mov       r14,[r15]
  00b0  mov       r10,[r15+8]
  00b7  jmp       000000000000003Ch
