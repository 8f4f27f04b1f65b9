function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-20h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000001F8h
  001d  sub       rsp,20h
  0024  mov       qword ptr [rbp-8],0
  002f  sub       qword ptr [r15+20h],13h
  0037  js        00000000000000C5h
  003d  sub       qword ptr [r15+20h],9
  0045  js        00000000000000E7h
  004b  mov       ebx,[rbp+10h]
  0052  mov       esi,[rbp-8]
  0059  cmp       esi,ebx
  005c  setae     sil
  0060  movzx     esi,sil
  0064  mov       r11,[rbp-8]
  006b  mov       [rbp-10h],r11
  0072  test      esi,esi
  0075  jne       00000000000000ACh
  007b  mov       ebx,[rbp-8]
  0082  add       ebx,1
  0089  mov       [rbp-8],rbx
  0090  sub       qword ptr [r15+20h],5
  0095  jmp       000000000000003Dh
  009a  mov       r11d,0FFFFFFFFh
  00a0  mov       [rbp-10h],r11
  00a7  sub       qword ptr [r15+20h],2
  00ac  sub       qword ptr [r15+20h],3
  00b1  mov       r11,[rbp-10h]
  00b8  mov       [rbp+10h],r11
  00bf  mov       rsp,rbp
  00c2  pop       rbp
  00c3  ret
  00c4  int3
  00c5  mov       rdi,r15
  00c8  mov       rsi,rsp
  00cb  mov       rdx,r11
  00ce  call      00000000000000D3h
  00d3  test      eax,eax
  00d5  jne       00000000000001A3h
  00db  mov       r14,[r15]
  00e2  jmp       000000000000003Dh
  00e7  mov       rdi,r15
  00ea  mov       rsi,rsp
  00ed  mov       rdx,r11
  00f0  call      00000000000000F5h
  00f5  test      eax,eax
  00f7  jne       00000000000001A3h
  00fd  mov       r14,[r15]
  0104  jmp       000000000000004Bh
