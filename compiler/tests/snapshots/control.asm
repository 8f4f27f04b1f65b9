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
  0041  js        00000000000000AAh
  0047  sub       qword ptr [r15+20h],9
  004f  js        00000000000000E8h
  0055  mov       rsi,rbx
  0058  mov       [rbp-10h],rbx
  005f  cmp       esi,r12d
  0062  jae       0000000000000091h
  0068  mov       rsi,rbx
  006b  add       esi,1
  0072  mov       rbx,rsi
  0075  sub       qword ptr [r15+20h],5
  007a  jmp       0000000000000047h
  007f  mov       r11d,0FFFFFFFFh
  0085  mov       [rbp-10h],r11
  008c  sub       qword ptr [r15+20h],2
  0091  sub       qword ptr [r15+20h],3
  0096  mov       r11,[rbp-10h]
  009d  mov       [rbp+10h],r11
  00a4  mov       rsp,rbp
  00a7  pop       rbp
  00a8  ret
  00a9  int3
  00aa  mov       [rbp+10h],r12
  00b1  mov       [rbp-8],rbx
  00b8  mov       rdi,r15
  00bb  mov       rsi,rsp
  00be  mov       rdx,r11
  00c1  call      00000000000000C6h
  00c6  test      eax,eax
  00c8  jne       00000000000001C3h
  00ce  mov       r14,[r15]
  00d5  mov       r12,[rbp+10h]
  00dc  mov       rbx,[rbp-8]
  00e3  jmp       0000000000000047h
  00e8  mov       [rbp+10h],r12
  00ef  mov       [rbp-8],rbx
  00f6  mov       rdi,r15
  00f9  mov       rsi,rsp
  00fc  mov       rdx,r11
  00ff  call      0000000000000104h
  0104  test      eax,eax
  0106  jne       00000000000001C3h
  010c  mov       r14,[r15]
  0113  mov       r12,[rbp+10h]
  011a  mov       rbx,[rbp-8]
  0121  jmp       0000000000000055h
