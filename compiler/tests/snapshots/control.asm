function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000218h
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  mov       r12d,[rbp+10h]
  0036  xor       ebx,ebx
  0039  sub       qword ptr [r15+20h],13h
  0041  js        00000000000000ADh
  0047  sub       qword ptr [r15+20h],9
  004f  js        00000000000000EBh
  0055  mov       rsi,r12
  0058  mov       rdi,rbx
  005b  mov       [rbp-10h],rbx
  0062  cmp       edi,esi
  0065  jae       0000000000000094h
  006b  mov       rsi,rbx
  006e  add       esi,1
  0075  mov       rbx,rsi
  0078  sub       qword ptr [r15+20h],5
  007d  jmp       0000000000000047h
  0082  mov       r11d,0FFFFFFFFh
  0088  mov       [rbp-10h],r11
  008f  sub       qword ptr [r15+20h],2
  0094  sub       qword ptr [r15+20h],3
  0099  mov       r11,[rbp-10h]
  00a0  mov       [rbp+10h],r11
  00a7  mov       rsp,rbp
  00aa  pop       rbp
  00ab  ret
  00ac  int3
  00ad  mov       [rbp+10h],r12
  00b4  mov       [rbp-8],rbx
  00bb  mov       rdi,r15
  00be  mov       rsi,rsp
  00c1  mov       rdx,r11
  00c4  call      00000000000000C9h
  00c9  test      eax,eax
  00cb  jne       00000000000001C3h
  00d1  mov       r14,[r15]
  00d8  mov       r12,[rbp+10h]
  00df  mov       rbx,[rbp-8]
  00e6  jmp       0000000000000047h
  00eb  mov       [rbp+10h],r12
  00f2  mov       [rbp-8],rbx
  00f9  mov       rdi,r15
  00fc  mov       rsi,rsp
  00ff  mov       rdx,r11
  0102  call      0000000000000107h
  0107  test      eax,eax
  0109  jne       00000000000001C3h
  010f  mov       r14,[r15]
  0116  mov       r12,[rbp+10h]
  011d  mov       rbx,[rbp-8]
  0124  jmp       0000000000000055h
