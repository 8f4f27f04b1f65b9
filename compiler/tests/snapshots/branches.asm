function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000046Fh
  001d  sub       rsp,30h
  0024  sub       r13,1Fh
  002b  js        000000000000014Fh
  0031  mov       qword ptr [rbp-8],1
  003c  mov       qword ptr [rbp-10h],2
  0047  mov       qword ptr [rbp-18h],3
  0052  mov       ebx,[rbp+10h]
  0059  mov       qword ptr [rbp-20h],4
  0064  cmp       ebx,4
  006b  jbe       0000000000000090h
  0071  cmp       ebx,7
  0078  ja        00000000000000F5h
  007e  cmp       ebx,5
  0085  jbe       00000000000000AFh
  008b  jmp       00000000000000C6h
  0090  cmp       ebx,2
  0097  ja        00000000000000DEh
  009d  cmp       ebx,1
  00a4  jbe       00000000000000F5h
  00aa  jmp       00000000000000AFh
  00af  sub       r13,2
  00b3  mov       r11,[rbp-20h]
  00ba  mov       [rbp-18h],r11
  00c1  jmp       0000000000000111h
  00c6  sub       r13,2
  00ca  mov       r11,[rbp-20h]
  00d1  mov       [rbp+10h],r11
  00d8  mov       rsp,rbp
  00db  pop       rbp
  00dc  ret
  00dd  int3
  00de  sub       r13,2
  00e2  mov       r11,[rbp-20h]
  00e9  mov       [rbp-10h],r11
  00f0  jmp       000000000000012Dh
  00f5  mov       ebx,[rbp-20h]
  00fc  mov       esi,[rbp-18h]
  0103  add       esi,ebx
  0106  mov       [rbp-18h],rsi
  010d  sub       r13,2
  0111  mov       ebx,[rbp-18h]
  0118  mov       esi,[rbp-10h]
  011f  add       esi,ebx
  0122  mov       [rbp-10h],rsi
  0129  sub       r13,2
  012d  mov       ebx,[rbp-10h]
  0134  mov       esi,[rbp-8]
  013b  add       esi,ebx
  013e  sub       r13,4
  0142  mov       [rbp+10h],rsi
  0149  mov       rsp,rbp
  014c  pop       rbp
  014d  ret
  014e  int3
  014f  mov       [r15+20h],r13
  0156  mov       rdi,r15
  0159  mov       rsi,rsp
  015c  mov       rdx,r11
  015f  call      0000000000000164h
  0164  mov       r13,[r15+20h]
  016b  test      eax,eax
  016d  jne       000000000000041Ah
  0173  mov       r14,[r15]
  017a  mov       r10,[r15+8]
  0181  jmp       0000000000000031h
function 1 (defined 1):
  0190  endbr64
  0194  push      rbp
  0195  mov       rbp,rsp
  0198  lea       rax,[rsp-20h]
  01a0  cmp       rax,[r15+10h]
  01a7  jb        000000000000046Fh
  01ad  sub       rsp,20h
  01b4  mov       ebx,[rbp+10h]
  01bb  sub       r13,17h
  01c2  js        00000000000002A6h
  01c8  mov       rsi,rbx
  01cb  mov       qword ptr [rbp-8],7
  01d6  mov       qword ptr [rbp-10h],1
  01e1  cmp       esi,1
  01e8  jne       0000000000000205h
  01ee  sub       r13,2
  01f2  mov       r11,[rbp-10h]
  01f9  mov       [rbp-8],r11
  0200  jmp       000000000000028Eh
  0205  mov       rsi,rbx
  0208  mov       qword ptr [rbp-10h],2
  0213  sub       r13,6
  0217  cmp       esi,2
  021e  je        00000000000001EEh
  0224  mov       rsi,rbx
  0227  mov       qword ptr [rbp-10h],3
  0232  sub       r13,6
  0236  cmp       esi,3
  023d  jne       000000000000025Bh
  0243  sub       r13,2
  0247  mov       r11,[rbp-10h]
  024e  mov       [rbp+10h],r11
  0255  mov       rsp,rbp
  0258  pop       rbp
  0259  ret
  025a  int3
  025b  mov       rsi,rbx
  025e  mov       qword ptr [rbp-10h],4
  0269  sub       r13,6
  026d  cmp       esi,4
  0274  je        0000000000000243h
  027a  mov       qword ptr [rbp-10h],9
  0285  sub       r13,3
  0289  jmp       00000000000001EEh
  028e  sub       r13,3
  0292  mov       r11,[rbp-8]
  0299  mov       [rbp+10h],r11
  02a0  mov       rsp,rbp
  02a3  pop       rbp
  02a4  ret
  02a5  int3
  02a6  mov       [rbp+10h],rbx
  02ad  mov       [r15+20h],r13
  02b4  mov       rdi,r15
  02b7  mov       rsi,rsp
  02ba  mov       rdx,r11
  02bd  call      00000000000002C2h
  02c2  mov       r13,[r15+20h]
  02c9  test      eax,eax
  02cb  jne       000000000000041Ah
  02d1  mov       r14,[r15]
  02d8  mov       r10,[r15+8]
  02df  mov       rbx,[rbp+10h]
  02e6  jmp       00000000000001C8h
