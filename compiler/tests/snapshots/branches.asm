function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        000000000000045Fh
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
  016d  jne       000000000000040Ah
  0173  mov       r14,[r15]
  017a  jmp       0000000000000031h
function 1 (defined 1):
  0180  endbr64
  0184  push      rbp
  0185  mov       rbp,rsp
  0188  lea       rax,[rsp-20h]
  0190  cmp       rax,[r15+10h]
  0197  jb        000000000000045Fh
  019d  sub       rsp,20h
  01a4  mov       ebx,[rbp+10h]
  01ab  sub       r13,17h
  01b2  js        0000000000000296h
  01b8  mov       rsi,rbx
  01bb  mov       qword ptr [rbp-8],7
  01c6  mov       qword ptr [rbp-10h],1
  01d1  cmp       esi,1
  01d8  jne       00000000000001F5h
  01de  sub       r13,2
  01e2  mov       r11,[rbp-10h]
  01e9  mov       [rbp-8],r11
  01f0  jmp       000000000000027Eh
  01f5  mov       rsi,rbx
  01f8  mov       qword ptr [rbp-10h],2
  0203  sub       r13,6
  0207  cmp       esi,2
  020e  je        00000000000001DEh
  0214  mov       rsi,rbx
  0217  mov       qword ptr [rbp-10h],3
  0222  sub       r13,6
  0226  cmp       esi,3
  022d  jne       000000000000024Bh
  0233  sub       r13,2
  0237  mov       r11,[rbp-10h]
  023e  mov       [rbp+10h],r11
  0245  mov       rsp,rbp
  0248  pop       rbp
  0249  ret
  024a  int3
  024b  mov       rsi,rbx
  024e  mov       qword ptr [rbp-10h],4
  0259  sub       r13,6
  025d  cmp       esi,4
  0264  je        0000000000000233h
  026a  mov       qword ptr [rbp-10h],9
  0275  sub       r13,3
  0279  jmp       00000000000001DEh
  027e  sub       r13,3
  0282  mov       r11,[rbp-8]
  0289  mov       [rbp+10h],r11
  0290  mov       rsp,rbp
  0293  pop       rbp
  0294  ret
  0295  int3
  0296  mov       [rbp+10h],rbx
  029d  mov       [r15+20h],r13
  02a4  mov       rdi,r15
  02a7  mov       rsi,rsp
  02aa  mov       rdx,r11
  02ad  call      00000000000002B2h
  02b2  mov       r13,[r15+20h]
  02b9  test      eax,eax
  02bb  jne       000000000000040Ah
  02c1  mov       r14,[r15]
  02c8  mov       rbx,[rbp+10h]
  02cf  jmp       00000000000001B8h
