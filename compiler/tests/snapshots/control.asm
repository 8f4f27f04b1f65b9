function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001E8h
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       qword ptr [r15+20h],13h
  0037  js        00000000000000BAh
  003d  sub       qword ptr [r15+20h],9
  0045  js        00000000000000DCh
  004b  mov       ebx,[rbp+10h]
  0052  mov       esi,[rbp-8]
  0059  mov       r11,[rbp-8]
  0060  mov       [rbp-10h],r11
  0067  cmp       esi,ebx
  006a  jae       00000000000000A1h
  0070  mov       ebx,[rbp-8]
  0077  add       ebx,1
  007e  mov       [rbp-8],rbx
  0085  sub       qword ptr [r15+20h],5
  008a  jmp       000000000000003Dh
  008f  mov       r11d,0FFFFFFFFh
  0095  mov       [rbp-10h],r11
  009c  sub       qword ptr [r15+20h],2
  00a1  sub       qword ptr [r15+20h],3
  00a6  mov       r11,[rbp-10h]
  00ad  mov       [rbp+10h],r11
  00b4  mov       rsp,rbp
  00b7  pop       rbp
  00b8  ret
  00b9  int3
  00ba  mov       rdi,r15
  00bd  mov       rsi,rsp
  00c0  mov       rdx,r11
  00c3  call      00000000000000C8h
  00c8  test      eax,eax
  00ca  jne       0000000000000193h
  00d0  mov       r14,[r15]
  00d7  jmp       000000000000003Dh
  00dc  mov       rdi,r15
  00df  mov       rsi,rsp
  00e2  mov       rdx,r11
  00e5  call      00000000000000EAh
  00ea  test      eax,eax
  00ec  jne       0000000000000193h
  00f2  mov       r14,[r15]
  00f9  jmp       000000000000004Bh
