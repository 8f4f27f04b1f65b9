function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-10h]
  0010  cmp       rax,[r15+10h]
  0017  jb        00000000000002C8h
  001d  sub       rsp,10h
  0024  sub       qword ptr [r15+20h],1
  002f  js        00000000000002D2h
  0035  mov       rbx,[rbp+10h]
  003c  mov       rsi,[rbp+10h]
  0043  imul      rsi,rbx
  0047  mov       [rbp+10h],rsi
  004e  mov       rsp,rbp
  0051  pop       rbp
  0052  ret
  0053  int3
function 1 (defined 1):
  0060  endbr64
  0064  push      rbp
  0065  mov       rbp,rsp
  0068  lea       rax,[rsp-10h]
  0070  cmp       rax,[r15+10h]
  0077  jb        00000000000002C8h
  007d  sub       rsp,10h
  0084  sub       qword ptr [r15+20h],1
  008f  js        00000000000002D2h
  0095  mov       r11,[rbp+10h]
  009c  mov       [rsp],r11
  00a4  call      0
  00a9  mov       r14,[r15]
  00b0  mov       rbx,[rsp]
  00b8  xor       esi,esi
  00bb  mov       r11,[rbp+10h]
  00c2  mov       [rsp],r11
  00ca  mov       [rbp-8],rbx
  00d1  cmp       rsi,[r15+40h]
  00d8  mov       r11d,0
  00de  cmovae    rsi,r11
  00e2  jae       000000000000028Ch
  00e8  shl       rsi,5
  00ec  mov       r11,[r15+38h]
  00f3  add       r11,rsi
  00f6  mov       r10,[r11]
  00f9  test      r10,r10
  00fc  je        0000000000000296h
  0102  cmp       qword ptr [r11+8],7FFFFFFFh
  010a  jne       00000000000002A0h
  0110  cmp       [r11+10h],r15
  0114  jne       0000000000000148h
  011a  mov       r11,r10
  011d  call      0000000000000122h
  0122  mov       r14,[r15]
  0129  mov       rbx,[rsp]
  0131  mov       rsi,[rbp-8]
  0138  add       rsi,rbx
  013b  mov       [rbp+10h],rsi
  0142  mov       rsp,rbp
  0145  pop       rbp
  0146  ret
  0147  int3
  0148  mov       rdi,r15
  014b  mov       rsi,rsp
  014e  mov       rdx,r11
  0151  call      0000000000000156h
  0156  test      eax,eax
  0158  jne       0000000000000273h
  015e  mov       r14,[r15]
  0165  jmp       0000000000000122h
