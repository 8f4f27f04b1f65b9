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
  017a  mov       r10,[r15+8]
  0181  jmp       0000000000000031h
function 1 (defined 1):
  0190  endbr64
  0194  push      rbp
  0195  mov       rbp,rsp
  0198  lea       rax,[rsp-20h]
  01a0  cmp       rax,[r15+10h]
  01a7  jb        000000000000045Fh
  01ad  sub       rsp,20h
  01b4  mov       ebx,[rbp+10h]
  01bb  sub       r13,17h
  01c2  js        000000000000029Ah
  01c8  mov       qword ptr [rbp-8],7
  01d3  mov       qword ptr [rbp-10h],1
  01de  cmp       ebx,1
  01e5  jne       0000000000000202h
  01eb  sub       r13,2
  01ef  mov       r11,[rbp-10h]
  01f6  mov       [rbp-8],r11
  01fd  jmp       0000000000000282h
  0202  mov       qword ptr [rbp-10h],2
  020d  sub       r13,6
  0211  cmp       ebx,2
  0218  je        00000000000001EBh
  021e  mov       qword ptr [rbp-10h],3
  0229  sub       r13,6
  022d  cmp       ebx,3
  0234  jne       0000000000000252h
  023a  sub       r13,2
  023e  mov       r11,[rbp-10h]
  0245  mov       [rbp+10h],r11
  024c  mov       rsp,rbp
  024f  pop       rbp
  0250  ret
  0251  int3
  0252  mov       qword ptr [rbp-10h],4
  025d  sub       r13,6
  0261  cmp       ebx,4
  0268  je        000000000000023Ah
  026e  mov       qword ptr [rbp-10h],9
  0279  sub       r13,3
  027d  jmp       00000000000001EBh
  0282  sub       r13,3
  0286  mov       r11,[rbp-8]
  028d  mov       [rbp+10h],r11
  0294  mov       rsp,rbp
  0297  pop       rbp
  0298  ret
  0299  int3
  029a  mov       [rbp+10h],rbx
  02a1  mov       [r15+20h],r13
  02a8  mov       rdi,r15
  02ab  mov       rsi,rsp
  02ae  mov       rdx,r11
  02b1  call      00000000000002B6h
  02b6  mov       r13,[r15+20h]
  02bd  test      eax,eax
  02bf  jne       000000000000040Ah
  02c5  mov       r14,[r15]
  02cc  mov       r10,[r15+8]
  02d3  mov       rbx,[rbp+10h]
  02da  jmp       00000000000001C8h
