function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002D8h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],4
  002c  js        00000000000002E2h
  0032  mov       rbx,[rbp+10h]
  0039  mov       rsi,[rbp+10h]
  0040  imul      rsi,rbx
  0044  mov       [rbp+10h],rsi
  004b  mov       rsp,rbp
  004e  pop       rbp
  004f  ret
  0050  int3
function 1 (defined 1):
  0060  endbr64
  0064  push      rbp
  0065  mov       rbp,rsp
  0068  lea       rax,[rsp-10h]
  0070  cmp       rax,[r15+10h]
  0077  jb        00000000000002D8h
  007d  sub       rsp,10h
  0084  sub       qword ptr [r15+20h],2
  008c  js        00000000000002E2h
  0092  mov       r11,[rbp+10h]
  0099  mov       [rsp],r11
  00a1  call      0
  00a6  mov       r14,[r15]
  00ad  mov       rbx,[rsp]
  00b5  xor       esi,esi
  00b8  mov       r11,[rbp+10h]
  00bf  mov       [rsp],r11
  00c7  mov       [rbp-8],rbx
  00ce  sub       qword ptr [r15+20h],3
  00d3  cmp       rsi,[r15+40h]
  00da  mov       r11d,0
  00e0  cmovae    rsi,r11
  00e4  jae       000000000000029Ch
  00ea  shl       rsi,5
  00ee  mov       r11,[r15+38h]
  00f5  add       r11,rsi
  00f8  mov       r10,[r11]
  00fb  test      r10,r10
  00fe  je        00000000000002A6h
  0104  cmp       qword ptr [r11+8],7FFFFFFFh
  010c  jne       00000000000002B0h
  0112  cmp       [r11+10h],r15
  0116  jne       000000000000014Fh
  011c  mov       r11,r10
  011f  call      0000000000000124h
  0124  mov       r14,[r15]
  012b  mov       rbx,[rsp]
  0133  mov       rsi,[rbp-8]
  013a  add       rsi,rbx
  013d  sub       qword ptr [r15+20h],2
  0142  mov       [rbp+10h],rsi
  0149  mov       rsp,rbp
  014c  pop       rbp
  014d  ret
  014e  int3
  014f  mov       rdi,r15
  0152  mov       rsi,rsp
  0155  mov       rdx,r11
  0158  call      000000000000015Dh
  015d  test      eax,eax
  015f  jne       0000000000000283h
  0165  mov       r14,[r15]
  016c  jmp       0000000000000124h
